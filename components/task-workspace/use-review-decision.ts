"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { ReviewStatus } from "@/lib/cat";
import type { RefusedApproval } from "@/server/review/review-tasks";
import { refusedApprovals } from "../review/refusal";
import { useTRPC } from "../trpc";
import { useInvalidateTask } from "./use-invalidate-task";

/**
 * Approve / reject / needs edit on the task's current revision. Approving a task the filter did not
 * accept is refused with the reason; the reviewer can then approve anyway with a written reason.
 */
export function useReviewDecision({
  taskId,
  onDecided,
}: {
  taskId: number;
  onDecided: (status: ReviewStatus) => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTask(taskId);
  const [refused, setRefused] = useState<{ tasks: RefusedApproval[]; message: string } | null>(null);
  const [overriding, setOverriding] = useState(false);
  const mutation = useMutation(
    trpc.review.setStatus.mutationOptions({
      onSuccess: async (_r, vars) => {
        setRefused(null);
        setOverriding(false);
        await invalidate();
        onDecided(vars.status);
      },
      onError: (err, vars) => {
        // A refusal while overriding is an error in the dialog, not a new refusal.
        const tasks = vars.override ? null : refusedApprovals(err);
        if (tasks) setRefused({ tasks, message: err.message });
      },
    }),
  );
  const decide = (status: ReviewStatus) => {
    setRefused(null);
    mutation.mutate({ selection: { taskIds: [taskId] }, status });
  };
  const override = (reason: string) =>
    mutation.mutate({ selection: { taskIds: [taskId] }, status: "approved", override: { reason } });
  const failed = mutation.error && !refused ? mutation.error.message : null;
  return { decide, override, refused, overriding, setOverriding, pending: mutation.isPending, error: failed };
}

export type ReviewDecision = ReturnType<typeof useReviewDecision>;
