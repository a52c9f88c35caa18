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
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!latest) return;
    const now = `${latest.id}:${latest.status}`;
    if (seen.current !== null && seen.current !== now && !isActive(latest.status)) void invalidate();
    seen.current = now;
  }, [latest, invalidate]);
  return runs;
}
