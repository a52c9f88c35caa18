"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { rerunCounts, visibleReruns } from "./rerun-counts";

function eta(seconds: number | null) {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

// Verdicts appear in the list while a rerun goes (the first start's demo rerun included), at most
// this often: each refresh refetches every loaded page of the list.
const LIST_REFRESH_MS = 3000;
const COUNTS_REFRESH_MS = 10_000;

/** Live progress of the recent reruns: counts per outcome, rate, ETA; cancel while running (`canCancel`). */
export function RerunProgress({ canCancel }: { canCancel: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const recent = useQuery({
    ...trpc.filter.recent.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((r) => !r.finished) ? 1000 : 10_000),
  });
  const cancel = useMutation(
    trpc.filter.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.filter.recent.queryKey() }),
    }),
  );
  const active = recent.data?.filter((r) => !r.finished) ?? [];

  // While reruns go, verdicts appear in the list (and, less often, in the facet counts, which cost
  // more); when one finishes, both are refreshed at once.
  const ran = active.reduce((n, r) => n + r.runs.done + r.runs.failed, 0);
  const lastRefresh = useRef({ list: 0, counts: 0 });
  useEffect(() => {
    const now = Date.now();
    if (!ran) return;
    if (now - lastRefresh.current.list >= LIST_REFRESH_MS) {
      lastRefresh.current.list = now;
      void queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() });
    }
    if (now - lastRefresh.current.counts >= COUNTS_REFRESH_MS) {
      lastRefresh.current.counts = now;
      void queryClient.invalidateQueries({ queryKey: trpc.task.facetCounts.pathKey() });
    }
  }, [ran, queryClient, trpc]);
  // A rerun that finished since the last poll refreshes both at once. By the ids of the finished
  // ones, not by the running ones: a small rerun can start and finish between two polls, and is
  // never seen running. What had finished when the strip first loaded refreshes nothing.
  const finishedIds = recent.data
    ?.filter((r) => r.finished)
    .map((r) => r.id)
    .join(",");
  const seenFinished = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (finishedIds === undefined) return;
    const now = finishedIds ? finishedIds.split(",") : [];
    if (seenFinished.current && now.some((id) => !seenFinished.current?.has(id))) {
      void queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.task.facetCounts.pathKey() });
    }
    seenFinished.current = new Set(now);
  }, [finishedIds, queryClient, trpc]);

  const shown = visibleReruns(recent.data ?? [], Date.now());
  if (!shown.length) return null;
  return (
    <div
      className="flex flex-col gap-1 border-b border-zinc-200 bg-zinc-50 px-4 py-2 dark:border-zinc-800 dark:bg-zinc-900/60"
      aria-live="polite"
      data-testid="rerun-progress"
    >
      {shown.map((r) => {
        const c = rerunCounts(r);
        return (
          <div key={r.id} className="flex flex-wrap items-center gap-3 text-xs" data-testid="rerun">
            <span className="font-medium">Filter rerun #{r.id}</span>
            <span className="text-zinc-500">{r.scope}</span>
            <div
              className="flex h-1.5 w-40 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
              role="progressbar"
              aria-valuenow={c.pct}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-label={`Rerun ${r.id} progress`}
              aria-valuetext={c.text}
            >
              <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${c.pct}%` }} />
              {c.cancelledPct ? (
                <div
                  className="h-full bg-zinc-400/60 dark:bg-zinc-600/60"
                  style={{ width: `${c.cancelledPct}%` }}
                  title="cancelled"
                />
              ) : null}
            </div>
            <span className="tabular-nums">{c.text}</span>
            <span className="text-emerald-700 dark:text-emerald-400">{r.verdicts.accepted} accepted</span>
            <span className="text-rose-700 dark:text-rose-400">{r.verdicts.rejected} rejected</span>
            <span className="text-zinc-500">
              cases: {r.cases.pass} pass · {r.cases.fail} fail · {r.cases.error} error · {r.cases.timeout} timeout
            </span>
            {r.runs.failed ? (
              <span className="text-amber-700 dark:text-amber-400">{r.runs.failed} could not run</span>
            ) : null}
            {r.finished ? (
              <span className="text-zinc-500">
                {r.cancelled ? "cancelled" : "finished"} in {r.seconds.toFixed(1)} s
              </span>
            ) : (
              <>
                <span className="text-zinc-500">
                  {r.rate}/s · ETA {eta(r.etaSeconds)}
                </span>
                {canCancel ? (
                  <Button size="xs" onClick={() => cancel.mutate({ rerunId: r.id })}>
                    Cancel
                  </Button>
                ) : null}
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}
