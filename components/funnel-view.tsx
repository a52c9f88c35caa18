"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { StatisticsCharts } from "./statistics-charts";
import { useTRPC, type RouterOutputs } from "./trpc";

type Row = RouterOutputs["filter"]["funnel"][number];
const STAGES = [
  { key: "run", label: "Run", color: "bg-zinc-400 dark:bg-zinc-600" },
  { key: "verifierLoads", label: "Verifier loads", color: "bg-sky-400 dark:bg-sky-600" },
  { key: "solutionPasses", label: "Solution passes", color: "bg-sky-600 dark:bg-sky-500" },
  { key: "accepted", label: "Failure cases rejected (accepted)", color: "bg-emerald-600 dark:bg-emerald-500" },
] as const;

function Funnel({ row }: { row: Row }) {
  const base = row.run || 1;
  return (
    <div className="flex flex-col gap-1 rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid="funnel">
      <div className="flex items-baseline gap-2">
        <h3 className="font-medium">{row.group}</h3>
        <span className="text-xs text-zinc-500">
          {row.tasks.toLocaleString()} tasks · {row.run.toLocaleString()} run{row.tasks > row.run ? ` · ${(row.tasks - row.run).toLocaleString()} pending` : ""}
        </span>
      </div>
      {row.run === 0 ? <p className="text-xs text-zinc-500">Not run yet.</p> : null}
      {row.run > 0
        ? STAGES.map((s) => {
            const n = row[s.key];
            const pct = (100 * n) / base;
            return (
              <div key={s.key} className="grid grid-cols-[14rem_1fr_6rem] items-center gap-2 text-xs">
                <span className="text-zinc-600 dark:text-zinc-400">{s.label}</span>
                <div className="h-4 rounded bg-zinc-100 dark:bg-zinc-900" role="img" aria-label={`${s.label}: ${n} (${pct.toFixed(1)}%)`}>
                  <div className={`h-full rounded ${s.color}`} style={{ width: `${pct}%` }} />
                </div>
                <span className="text-right tabular-nums">
                  {n.toLocaleString()} <span className="text-zinc-500">({pct.toFixed(1)}%)</span>
                </span>
              </div>
            );
          })
        : null}
      {Object.keys(row.byReason).length ? (
        <p className="mt-1 text-[11px] text-zinc-500">
          Rejected: {Object.entries(row.byReason).map(([r, n]) => `${r.replaceAll("_", " ")} ${n}`).join(" · ")}
        </p>
      ) : null}
    </div>
  );
}

export function FunnelView() {
  const trpc = useTRPC();
  const [by, setBy] = useState<"batch" | "environment">("environment");
  const funnel = useQuery(trpc.filter.funnel.queryOptions({ by }));
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-6">
      <div className="flex items-center gap-3">
        <h1 className="text-lg font-semibold">Statistics</h1>
        <div className="flex rounded border border-zinc-300 text-xs dark:border-zinc-700" role="tablist">
          {(["environment", "batch"] as const).map((b) => (
            <button key={b} type="button" role="tab" aria-selected={by === b} className={`px-2 py-1 ${by === b ? "bg-zinc-200 dark:bg-zinc-800" : ""}`} onClick={() => setBy(b)}>
              per {b}
            </button>
          ))}
        </div>
      </div>
      <p className="text-xs text-zinc-500">
        As in Zhou et al. (2025), Table 4: of the tasks run, the share whose verifier loads, whose example solution also passes, and whose verifier also rejects every
        failure case. Each task counts with its latest verdict.
      </p>
      {funnel.data?.map((row) => <Funnel key={row.group} row={row} />)}
      {funnel.data?.length === 0 ? <p className="text-zinc-500">No tasks yet.</p> : null}
      <StatisticsCharts />
    </div>
  );
}
