"use client";
import { humanize } from "../format";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/notice";
import { Section } from "../ui/section";
import { TryResultView } from "./try-result";
import type { EditActions } from "./use-edit-actions";
import { isActive, type TaskRun } from "./use-task-runs";

/**
 * Try and Save, what they did, and the live state of the saved revision's filter run. Without
 * `canSave` (reviewers) the code is read-only and Try runs the current revision as it is.
 */
export function EditPanel({
  actions,
  dirty,
  runs,
  canSave,
}: {
  actions: EditActions;
  dirty: boolean;
  runs: TaskRun[] | undefined;
  canSave: boolean;
}) {
  return (
    <Section card aria-label="Edit">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="info"
          data-testid="try"
          onClick={actions.tryEdit}
          disabled={actions.trying}
          title={
            canSave
              ? "Run this edit in the sandbox without saving (t, Ctrl+Enter)"
              : "Run this revision in the sandbox and see each case (t)"
          }
        >
          {actions.trying ? "Trying…" : "Try"}
        </Button>
        {canSave ? (
          <Button
            variant="primary"
            data-testid="save"
            onClick={actions.save}
            disabled={!dirty || actions.saving || actions.merging}
            title="Save as a new revision and rerun the filter (Ctrl+S)"
          >
            {actions.saving ? "Saving…" : "Save revision"}
          </Button>
        ) : null}
        {dirty ? (
          <>
            <span className="text-xs text-amber-700 dark:text-amber-400" data-testid="unsaved">
              unsaved edit
            </span>
            <Button variant="link" size="xs" onClick={actions.discard}>
              discard
            </Button>
          </>
        ) : null}
      </div>
      {actions.tryError ? <ErrorText>{actions.tryError}</ErrorText> : null}
      {actions.saveError ? <ErrorText>{actions.saveError}</ErrorText> : null}
      {actions.saved && !dirty ? <SaveNote saved={actions.saved} runs={runs} /> : null}
      {actions.tried ? (
        <TryResultView result={actions.tried} />
      ) : (
        <p className="text-[11px] text-zinc-500">
          {canSave
            ? "Try runs your edit in the sandbox and shows, case by case, what flips — nothing is saved."
            : "Try runs this revision in the sandbox and shows every case. Editing the code needs the curator role."}
        </p>
      )}
    </Section>
  );
}

/**
 * "Saved revision 2": followed by what the filter is doing with it now, not what it did then. `what`
 * names how the revision came (an edit saved, a leak added as a failure case).
 */
export function SaveNote({
  saved,
  runs,
  what = "Saved",
}: {
  saved: { revisionId: number; number: number };
  runs: TaskRun[] | undefined;
  what?: string;
}) {
  const run = runs?.find((r) => r.revisionId === saved.revisionId);
  const state = !run
    ? "the filter is queued on it."
    : isActive(run.status)
      ? `the filter is ${run.status === "running" ? "running" : "queued"} on it.`
      : run.status === "done"
        ? `the filter ${run.verdictStatus === "accepted" ? "accepted" : "rejected"} it${run.verdictReason ? ` (${humanize(run.verdictReason)})` : ""}.`
        : run.status === "cancelled"
          ? "its filter run was cancelled."
          : `its filter run could not run${run.error ? `: ${run.error}` : ""}.`;
  return (
    <p className="text-xs text-emerald-700 dark:text-emerald-400" role="status">
      {what} revision {saved.number}; {state}
    </p>
  );
}
