"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC, type RouterOutputs } from "../trpc";
import { useInvalidateTask } from "./use-invalidate-task";

export type TaskRuns = RouterOutputs["filter"]["taskRuns"];
export type TaskRun = TaskRuns["runs"][number];

export const isActive = (status: string | undefined) => status === "queued" || status === "running";

/**
 * The task's filter runs (newest first) and the newest one's case matrix, polled while a run is on
 * its way. When the newest run ends, the verdict it produced shows everywhere at once: the header,
 * the history ("filter run #N: queued" becomes its verdict), the review state and the list.
 */
export function useTaskRuns(taskId: number) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTask(taskId);
  const runs = useQuery({
    ...trpc.filter.taskRuns.queryOptions({ taskId }),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => isActive(r.status)) ? 1000 : false),
  });
  const latest = runs.data?.runs[0];
  // What the page has seen of the newest run: a run that was queued, or one that appeared already
  // finished (a fast run between two polls, or the first run of a task that had none), both count.
  const latestKey = runs.data ? (latest ? `${latest.id}:${latest.status}` : "none") : null;
  const ended = !!latest && !isActive(latest.status);
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (latestKey === null) return;
    if (seen.current !== null && seen.current !== latestKey && ended) void invalidate();
    seen.current = latestKey;
  }, [latestKey, ended, invalidate]);
  return runs;
}
