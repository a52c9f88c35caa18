"use client";
import type { ReviewDecision as ReviewDecisionValue, ReviewStatus } from "@/lib/cat";
import { VerdictBadge } from "../badges";
import { humanize } from "../format";
import { OverrideDialog } from "../review/override-dialog";
import type { RouterOutputs } from "../trpc";
import { Button, type Variant } from "../ui/button";
import { ErrorText, Notice } from "../ui/notice";
import type { ReviewDecision } from "./use-review-decision";

type Task = RouterOutputs["task"]["get"];

const BUTTONS: Array<{ status: ReviewDecisionValue; label: string; key: string; variant: Variant }> = [
  { status: "approved", label: "Approve", key: "a", variant: "approve" },
  { status: "rejected", label: "Reject", key: "r", variant: "reject" },
  { status: "needs_edit", label: "Needs edit", key: "n", variant: "warn" },
];

/**
 * The decision buttons (reviewers and up: `canDecide`), what the current decision stands on, and the
 * override when approval is refused.
 */
export function ReviewActions({ task, review, canDecide }: { task: Task; review: ReviewDecision; canDecide: boolean }) {
  const status: ReviewStatus = task.reviewStatus;
  return (
    <div className="flex flex-col gap-2">
      {canDecide ? (
        <fieldset className="flex flex-wrap gap-2" aria-label="Review decision">
          {BUTTONS.map((b) => (
            <Button
              key={b.status}
              variant={b.variant}
              pressed={status === b.status}
              disabled={review.pending}
              onClick={() => review.decide(status === b.status ? "unreviewed" : b.status)}
              title={`${b.label} (${b.key})`}
            >
              {b.label} <span className="opacity-60">{b.key}</span>
            </Button>
          ))}
        </fieldset>
      ) : null}
      <DecisionSummary task={task} />
      {review.refused ? (
        <Notice tone="warn" role="alert" data-testid="approval-refused">
          <p>{review.refused.message}</p>
          <Button variant="approve" size="sm" className="mt-1.5" onClick={() => review.setOverriding(true)}>
            Approve anyway…
          </Button>
        </Notice>
      ) : null}
      {review.error ? <ErrorText>{review.error}</ErrorText> : null}
      <OverrideDialog
        open={review.overriding && !!review.refused}
        onClose={() => review.setOverriding(false)}
        refused={review.refused?.tasks ?? []}
        count={1}
        pending={review.pending}
        error={review.error}
        onConfirm={review.override}
      />
    </div>
  );
}

/** "Approved on r2 · verdict accepted (run #14)", or why the task is unreviewed again. */
function DecisionSummary({ task }: { task: Task }) {
  const current = task.currentRevision?.number;
  if (task.reviewStatus === "unreviewed") {
    return (
      <p className="text-xs text-zinc-500" data-testid="review-decision">
        {task.reviewStale
          ? `Unreviewed: the last decision was about an older revision; revision ${current} has not been reviewed.`
          : "Not reviewed yet."}
      </p>
    );
  }
  const on = task.reviewRevision?.number;
  const run = task.reviewRun;
  return (
    <div className="flex flex-col gap-1 text-xs" data-testid="review-decision">
      <p className="flex flex-wrap items-center gap-1.5">
        <span className="font-medium">
          {humanize(task.reviewStatus).replace(/^./, (c) => c.toUpperCase())} on r{on ?? "?"}
        </span>
        {on !== undefined && current !== undefined && on !== current ? (
          <span className="text-amber-700 dark:text-amber-400">— superseded by r{current}</span>
        ) : null}
        <span className="text-zinc-500">·</span>
        {run ? (
          <>
            <span className="text-zinc-500">verdict</span>
            {run.verdictStatus ? (
              <VerdictBadge status={run.verdictStatus} reason={run.verdictReason} />
            ) : (
              <span>not finished</span>
            )}
            <span className="text-zinc-500" title={run.pack?.hash}>
              run #{run.id}
              {run.pack ? ` · pack ${run.pack.hash.slice(0, 8)}` : ""}
            </span>
          </>
        ) : (
          <span className="text-zinc-500">no filter verdict on that revision</span>
        )}
      </p>
      {task.reviewOverride !== null ? (
        <p
          className="rounded bg-purple-50 p-1.5 text-purple-900 dark:bg-purple-950/40 dark:text-purple-200"
          data-testid="override-reason"
        >
          <span className="font-medium">Approved by override:</span> {task.reviewOverride}
        </p>
      ) : null}
    </div>
  );
}
