"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTRPC } from "../trpc";

/**
 * What a change to one task makes stale: its page (header, review, reviewers' decisions, history), its
 * strength, its runs when asked, and the list's rows and counts (refetched only when the list is shown
 * again). Nothing else.
 */
export function useInvalidateTask(taskId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    ({ runs = false }: { runs?: boolean } = {}) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.task.get.queryKey({ id: taskId }) }),
        queryClient.invalidateQueries({ queryKey: trpc.review.history.queryKey({ taskId }) }),
        queryClient.invalidateQueries({ queryKey: trpc.reviewers.decisions.queryKey({ taskId }) }),
        queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.task.facetCounts.pathKey() }),
        // A new verdict queues a strength check (accepted) or leaves the revision unchecked.
        queryClient.invalidateQueries({ queryKey: trpc.strength.get.queryKey({ taskId }) }),
        ...(runs ? [queryClient.invalidateQueries({ queryKey: trpc.filter.taskRuns.queryKey({ taskId }) })] : []),
      ]),
    [queryClient, taskId, trpc],
  );
}
