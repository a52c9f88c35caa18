"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ReviewBadge } from "../badges";
import { when } from "../format";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ErrorText, Notice } from "../ui/notice";
import { decisionState } from "./decisions";
import { useInvalidateTask } from "./use-invalidate-task";

/**
 * Each reviewer's decision on the current revision (several reviewers per task). In blind mode the
 * server sends a reviewer only their own until they decide, and this says the others are hidden.
 * A curator settles a disagreement (or an objection) here with an adjudication.
 */
export function ReviewerDecisions({
  taskId,
  meId,
  canAdjudicate,
}: {
  taskId: number;
  meId: number | undefined;
  canAdjudicate: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTask(taskId);
  const decisions = useQuery(trpc.reviewers.decisions.queryOptions({ taskId }));
  const adjudicate = useMutation(trpc.review.decide.mutationOptions({ onSuccess: () => invalidate() }));
  const d = decisions.data;
  if (!d || (!d.decisions.length && !d.blind && !d.assigned)) return null;
  const state = decisionState(d.decisions);
  return (
    <section
      className="flex flex-col gap-1.5 text-xs"
      aria-label="Reviewers' decisions"
      data-testid="reviewer-decisions"
    >
      <p className="text-zinc-500">
        Reviewers on r{d.revision}
        {d.assigned ? ` · ${d.assigned} assigned` : ""}
        {state.disagree ? (
          <>
            {" · "}
            <span className="text-amber-700 dark:text-amber-400">they disagree</span>
          </>
        ) : null}
      </p>
      {d.decisions.length ? (
        <ul className="flex flex-col gap-1">
          {d.decisions.map((x) => (
            <li
              key={`${x.userId}-${x.adjudication}`}
              className="flex flex-wrap items-center gap-1.5"
              data-testid="decision"
            >
              <span className="font-medium">
                {x.name}
                {x.userId === meId ? " (you)" : ""}
              </span>
              <ReviewBadge status={x.decision} override={x.overrideReason} />
              {x.adjudication ? <Badge tone="sky">adjudication</Badge> : null}
              <time className="text-zinc-500" dateTime={new Date(x.at).toISOString()}>
                {when(x.at)}
              </time>
              {x.overrideReason ? (
                <span className="w-full text-zinc-600 dark:text-zinc-400">“{x.overrideReason}”</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {d.blind ? (
        <p className="text-zinc-500" data-testid="decisions-hidden">
          Other reviewers' decisions are hidden until you decide (blind review).
        </p>
      ) : d.decisions.length === 0 ? (
        <p className="text-zinc-500">No reviewer has decided on this revision yet.</p>
      ) : null}
      {canAdjudicate && state.toAdjudicate ? (
        <Notice tone="warn" data-testid="adjudicate">
          <p>
            {state.disagree ? "The reviewers disagree" : "A reviewer objected"}: as a curator, settle it (your decision
            then stands for the review policy).
          </p>
          <span className="mt-1.5 flex gap-1.5">
            <Button
              size="sm"
              variant="approve"
              disabled={adjudicate.isPending}
              onClick={() => adjudicate.mutate({ taskId, decision: "approve", adjudicate: true })}
            >
              Adjudicate: approve
            </Button>
            <Button
              size="sm"
              variant="reject"
              disabled={adjudicate.isPending}
              onClick={() => adjudicate.mutate({ taskId, decision: "reject", adjudicate: true })}
            >
              Adjudicate: reject
            </Button>
          </span>
        </Notice>
      ) : null}
      {adjudicate.error ? <ErrorText>{adjudicate.error.message}</ErrorText> : null}
    </section>
  );
}
