"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "./trpc";

function eta(seconds: number | null) {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** Live progress of the recent reruns: counts per outcome, rate, ETA; cancel while running. */
export function RerunProgress() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const recent = useQuery({ ...trpc.filter.recent.queryOptions(), refetchInterval: (q) => (q.state.data?.some((r) => !r.finished) ? 1000 : 10_000) });
  const cancel = useMutation(trpc.filter.cancel.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.filter.pathKey() }) }));
  const active = recent.data?.filter((r) => !r.finished) ?? [];
  const justFinished = recent.data?.find((r) => r.finished && Date.now() - new Date(r.createdAt).getTime() < 10 * 60_000);
  // When a rerun finishes, verdicts in the list changed: refresh it.
  const activeCount = useRef(active.length);
  useEffect(() => {
    if (active.length < activeCount.current) void queryClient.invalidateQueries({ queryKey: trpc.task.pathKey() });
    activeCount.current = active.length;
  }, [active.length, queryClient, trpc]);
  const shown = active.length ? active : justFinished ? [justFinished] : [];
  if (!shown.length) return null;
  return (
    <div className="flex flex-col gap-1 border-b border-zinc-200 bg-zinc-50 px-4 py-2 dark:border-zinc-800 dark:bg-zinc-900/60" aria-live="polite" data-testid="rerun-progress">
      {shown.map((r) => {
        const doneRuns = r.runs.done + r.runs.failed + r.runs.cancelled;
        const pct = r.taskCount ? Math.round((100 * doneRuns) / r.taskCount) : 100;
        return (
          <div key={r.id} className="flex flex-wrap items-center gap-3 text-xs">
            <span className="font-medium">Filter rerun #{r.id}</span>
            <span className="text-zinc-500">{r.scope}</span>
            <div className="h-1.5 w-40 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label={`Rerun ${r.id} progress`}>
              <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${pct}%` }} />
            </div>
            <span className="tabular-nums">
              {doneRuns.toLocaleString()}/{r.taskCount.toLocaleString()} tasks
            </span>
            <span className="text-emerald-700 dark:text-emerald-400">{r.verdicts.accepted} accepted</span>
            <span className="text-rose-700 dark:text-rose-400">{r.verdicts.rejected} rejected</span>
            <span className="text-zinc-500">
              cases: {r.cases.pass} pass · {r.cases.fail} fail · {r.cases.error} error · {r.cases.timeout} timeout
            </span>
            {r.runs.failed ? <span className="text-amber-700">{r.runs.failed} could not run</span> : null}
            {r.finished ? (
              <span className="text-zinc-500">{r.cancelled ? "cancelled" : "finished"} in {r.seconds.toFixed(1)} s</span>
            ) : (
              <>
                <span className="text-zinc-500">{r.rate}/s · ETA {eta(r.etaSeconds)}</span>
                <button type="button" className="rounded border border-zinc-300 px-1.5 py-0.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" onClick={() => cancel.mutate({ rerunId: r.id })}>
                  Cancel
                </button>
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}
