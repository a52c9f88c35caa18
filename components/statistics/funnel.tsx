"use client";
import Link from "next/link";
import { humanize } from "../format";
import type { RouterOutputs } from "../trpc";
import { funnelLinks, type FunnelGroupBy } from "./funnel-links";

type Row = RouterOutputs["stats"]["funnel"][number];
const STAGES = [
  { key: "run", label: "Run", color: "bg-zinc-400 dark:bg-zinc-600" },
  { key: "verifierLoads", label: "Verifier loads", color: "bg-sky-400 dark:bg-sky-600" },
  { key: "solutionPasses", label: "Solution passes", color: "bg-sky-600 dark:bg-sky-500" },
  { key: "accepted", label: "Failure cases rejected (accepted)", color: "bg-emerald-600 dark:bg-emerald-500" },
] as const;

const link = "text-sky-700 hover:underline dark:text-sky-400";

/**
 * One group's funnel; every bar opens the task list filtered to exactly the tasks it counts, and
 * every drop-off to the tasks that stage lost.
 */
export function Funnel({ row, by }: { row: Row; by: FunnelGroupBy }) {
  const base = row.run || 1;
  const links = funnelLinks(by, row);
  return (
    <div className="flex flex-col gap-1 rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid="funnel">
      <div className="flex items-baseline gap-2">
        <h3 className="font-medium">{row.group}</h3>
        <span className="text-xs text-zinc-500">
          <Link className={link} href={links.all}>
            {row.tasks.toLocaleString()} tasks
          </Link>{" "}
          · {row.run.toLocaleString()} run
          {row.tasks > row.run ? (
            <>
              {" "}
              ·{" "}
              <Link className={link} href={links.run.lost.href}>
                {(row.tasks - row.run).toLocaleString()} pending
              </Link>
            </>
          ) : null}
        </span>
      </div>
      {row.run === 0 ? <p className="text-xs text-zinc-500">Not run yet.</p> : null}
      {row.run > 0
        ? STAGES.map((s) => {
            const n = row[s.key];
            const pct = (100 * n) / base;
            const target = links[s.key];
            const lost = target.lost;
            return (
              <div key={s.key} className="grid grid-cols-[14rem_1fr_6rem_11rem] items-center gap-2 text-xs">
                <span className="text-zinc-600 dark:text-zinc-400">{s.label}</span>
                <Link
                  href={target.href}
                  className="block h-4 rounded bg-zinc-100 hover:ring-2 hover:ring-sky-400 dark:bg-zinc-900"
                  aria-label={`${s.label}: show these ${n.toLocaleString()} tasks`}
                  data-testid={`funnel-bar-${s.key}`}
                >
                  <div className="h-full" role="img" aria-label={`${s.label}: ${n} (${pct.toFixed(1)}%)`}>
                    <div className={`h-full rounded ${s.color}`} style={{ width: `${pct}%` }} />
                  </div>
                </Link>
                <span className="text-right tabular-nums">
                  {n.toLocaleString()} <span className="text-zinc-500">({pct.toFixed(1)}%)</span>
                </span>
                <span className="text-zinc-500">
                  {lost?.count ? (
                    <Link
                      className={link}
                      href={lost.href}
                      aria-label={`${s.label}: show the ${lost.count.toLocaleString()} ${lost.what}`}
                    >
                      −{lost.count.toLocaleString()} {lost.short}
                    </Link>
                  ) : null}
                </span>
              </div>
            );
          })
        : null}
      {Object.keys(row.byReason).length ? (
        <p className="mt-1 text-[11px] text-zinc-500">
          Rejected:{" "}
          {Object.entries(row.byReason).map(([r, n], i) => (
            <span key={r}>
              {i ? " · " : ""}
              <Link className={link} href={links.reason(r)}>
                {humanize(r)} {n}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
