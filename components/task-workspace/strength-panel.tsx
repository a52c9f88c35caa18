"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { STRENGTH_LABELS } from "@/lib/strength";
import { when } from "../format";
import { LeakCard } from "../strength/leak-card";
import { parseDotted, pythonPath } from "../strength/paths";
import { StrengthBadge } from "../strength/strength-badge";
import { type StrengthCheck, useTaskStrength } from "../strength/use-task-strength";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/notice";
import { Section } from "../ui/section";
import { SaveNote } from "./edit-panel";
import { useInvalidateTask } from "./use-invalidate-task";
import type { TaskRun } from "./use-task-runs";

/**
 * Verifier strength on the task page: the status, then the evidence of the check it comes from —
 * variants run, each leak with its code and its difference from the solution, the writes verify never
 * reads, flakiness. Curators check again and turn a leak into a failure case in one click (a new
 * revision, whose filter run then shows whether the verifier rejects it).
 */
export function StrengthPanel({
  taskId,
  base,
  runs,
  canCheck,
  canAdd,
}: {
  taskId: number;
  /** The current revision: a leak is added on top of it. */
  base: { id: number; failureCases: string[] };
  runs: TaskRun[] | undefined;
  canCheck: boolean;
  canAdd: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateTask(taskId);
  const { strength, checkAgain, again } = useTaskStrength(taskId);
  const [added, setAdded] = useState<{ revisionId: number; number: number } | null>(null);
  const add = useMutation(
    trpc.strength.addAsFailureCase.mutationOptions({
      onSuccess: async (r) => {
        setAdded({ revisionId: r.revisionId, number: r.number });
        // The new revision and its queued run; its strength starts over (it is not checked until accepted).
        await Promise.all([
          invalidate({ runs: true }),
          queryClient.invalidateQueries({ queryKey: trpc.strength.get.queryKey({ taskId }) }),
        ]);
      },
    }),
  );
  const s = strength.data;
  const check = s?.check ?? null;
  const skipped = again.data && again.data.checkIds.length === 0;
  const earlier = s?.history.filter((h) => h.id !== check?.id) ?? [];

  return (
    <Section
      card
      aria-label="Verifier strength"
      title="Verifier strength"
      data-testid="strength-panel"
      actions={
        <>
          {s ? <StrengthBadge status={s.status} /> : null}
          {canCheck ? (
            <Button
              size="sm"
              disabled={again.isPending || s?.pending}
              onClick={checkAgain}
              title="Run variants of the solution against the verifier again (only accepted revisions are checked)"
            >
              {s?.pending ? "Checking…" : "Check again"}
            </Button>
          ) : null}
        </>
      }
    >
      {strength.error ? <ErrorText>{strength.error.message}</ErrorText> : null}
      {again.error ? <ErrorText>{again.error.message}</ErrorText> : null}
      {add.error ? <ErrorText>{add.error.message}</ErrorText> : null}
      {added ? <SaveNote saved={added} runs={runs} what="Added the variant as a failure case:" /> : null}
      {skipped ? (
        <p className="text-xs text-zinc-500">
          Not checked: only a revision the filter accepted is checked against variants.
        </p>
      ) : null}
      {s?.pending ? (
        <p className="text-xs text-zinc-500" aria-live="polite" data-testid="strength-pending">
          A check of the current revision is on its way (it runs after filter runs, at low priority).
        </p>
      ) : null}
      {s?.lastError ? <ErrorText>The last check did not finish: {s.lastError}</ErrorText> : null}
      {s && !check && !s.pending ? (
        <p className="text-xs text-zinc-500">
          The current revision has not been checked. Accepted revisions are checked after their filter run.
        </p>
      ) : null}
      {check ? (
        <CheckEvidence
          check={check}
          failureCases={base.failureCases}
          onAdd={
            canAdd
              ? (variant) => add.mutate({ taskId, checkId: check.id, variant, baseRevisionId: base.id })
              : undefined
          }
          adding={add.isPending ? add.variables?.variant : undefined}
        />
      ) : null}
      {earlier.length ? (
        <details className="text-[11px] text-zinc-500">
          <summary className="cursor-pointer">Earlier checks ({earlier.length})</summary>
          <ul className="mt-1 flex flex-col gap-0.5">
            {earlier.map((h) => (
              <li key={h.id}>
                #{h.id} · rev {h.revision} · {h.result ? STRENGTH_LABELS[h.result] : h.status}
                {h.summary ? ` · ${h.summary.leaks} of ${h.summary.variants} variants leaked` : ""} ·{" "}
                {when(h.createdAt)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Section>
  );
}

function CheckEvidence({
  check,
  failureCases,
  onAdd,
  adding,
}: {
  check: StrengthCheck;
  failureCases: string[];
  onAdd?: (variant: number) => void;
  adding: number | undefined;
}) {
  const r = check.report;
  const leaks = r.probes.map((p, i) => ({ p, i })).filter(({ p }) => p.verdict === "leak");
  const caught = r.probes.filter((p) => p.verdict === "caught").length;
  const unread = r.unreadWrites ?? [];
  return (
    <div className="flex flex-col gap-2" data-testid="strength-evidence">
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="strength-summary">
        Revision {check.revision}: {r.variants} {r.variants === 1 ? "variant" : "variants"} run, {r.leaks}{" "}
        {r.leaks === 1 ? "leak" : "leaks"}, {caught} caught{r.flaky ? ", flaky" : ""}
        {check.finishedAt ? ` · ${when(check.finishedAt)}` : ""}
      </p>
      {unread.length ? (
        <ul className="flex flex-col gap-0.5 text-xs" data-testid="unread-writes">
          {unread.map((w) => (
            <li key={w}>
              The verifier does not look at{" "}
              <code className="font-mono text-amber-700 dark:text-amber-400">{pythonPath(parseDotted(w))}</code>, which
              the solution set.
            </li>
          ))}
          {r.unreadWritesTotal > unread.length ? (
            <li className="text-zinc-500">… {r.unreadWritesTotal - unread.length} more unread writes</li>
          ) : null}
        </ul>
      ) : null}
      {r.flaky ? (
        <div className="text-xs" data-testid="flaky">
          <Badge tone="purple">flaky</Badge>{" "}
          {r.flakiness.reasons.join("; ") || "the solution's second run differed from the first"}
        </div>
      ) : null}
      {leaks.length ? (
        <ul className="flex flex-col gap-2" aria-label="Leaks">
          {leaks.map(({ p, i }) => (
            <LeakCard
              key={i}
              probe={p}
              onAdd={onAdd ? () => onAdd(i) : undefined}
              adding={adding === i}
              added={failureCases.includes(p.code)}
            />
          ))}
        </ul>
      ) : null}
      {r.probes.length ? (
        <details className="text-[11px] text-zinc-500">
          <summary className="cursor-pointer">All variants ({r.probes.length})</summary>
          <ul className="mt-1 flex flex-col gap-0.5">
            {r.probes.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the report's variants, in the order they ran
              <li key={i} className="flex gap-2">
                <span className={p.verdict === "leak" ? "text-rose-600" : ""}>{p.verdict}</span>
                <span className="truncate" title={p.code}>
                  {p.label}
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {r.notes.length ? <p className="text-[11px] text-zinc-500">{r.notes.join(" ")}</p> : null}
    </div>
  );
}
