"use client";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useDark } from "./ui/use-dark";
import { useTRPC } from "./trpc";

const KINDS = [
  { key: "approved", color: "#059669" },
  { key: "rejected", color: "#e11d48" },
  { key: "needs_edit", color: "#d97706" },
  { key: "label_added", color: "#7c3aed" },
  { key: "comment", color: "#0284c7" },
  { key: "revision", color: "#64748b" },
] as const;

export function StatisticsCharts() {
  const trpc = useTRPC();
  const dark = useDark();
  const stats = useQuery(trpc.filter.statistics.queryOptions({ days: 30 }));
  const axis = dark ? "#a1a1aa" : "#52525b";
  if (!stats.data) return <p className="text-xs text-zinc-500">Loading statistics…</p>;
  const s = stats.data;
  return (
    <div className="flex flex-col gap-6" data-testid="statistics">
      <section className="flex flex-col gap-2">
        <h2 className="font-medium">Datasets (latest version of each)</h2>
        {s.datasets.length === 0 ? <p className="text-xs text-zinc-500">No published dataset yet.</p> : null}
        <table className="w-full text-left text-xs">
          <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Dataset</th>
              <th className="py-1 text-right font-medium">Tasks</th>
              <th className="py-1 text-right font-medium">Run</th>
              <th className="py-1 text-right font-medium">Verifier loads</th>
              <th className="py-1 text-right font-medium">Solution passes</th>
              <th className="py-1 text-right font-medium">Accepted</th>
            </tr>
          </thead>
          <tbody>
            {s.datasets.map((d) => (
              <tr key={d.dataset} className="border-t border-zinc-100 dark:border-zinc-900">
                <td className="py-1">{d.dataset} v{d.version}</td>
                {[d.tasks, d.run, d.verifierLoads, d.solutionPasses, d.accepted].map((n, i) => (
                  <td key={i} className="py-1 text-right tabular-nums">{n}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="flex flex-col gap-2">
        <h2 className="font-medium">What human edits did to verdicts</h2>
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="edit-outcomes">
          {s.edits.edited} tasks edited · <strong className="text-emerald-700 dark:text-emerald-400">{s.edits.rescued} rescued</strong> (rejected → accepted) ·{" "}
          <strong className="text-rose-700 dark:text-rose-400">{s.edits.newlyRejected} false positives found</strong> (accepted → rejected) · {s.edits.unchanged} same verdict ·{" "}
          {s.edits.pendingNow} awaiting their rerun · {s.edits.notRunBefore} not run before the edit
        </p>
      </section>

      <section className="flex flex-col gap-2">
        <h2 className="font-medium">Labels</h2>
        <div className="h-56" role="img" aria-label={`Label distribution: ${s.labels.map((l) => `${l.name} ${l.n}`).join(", ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={s.labels} layout="vertical" margin={{ left: 40 }}>
              <CartesianGrid strokeDasharray="3 3" stroke={dark ? "#27272a" : "#e4e4e7"} />
              <XAxis type="number" allowDecimals={false} stroke={axis} fontSize={11} />
              <YAxis type="category" dataKey="name" width={130} stroke={axis} fontSize={11} />
              <Tooltip />
              <Bar dataKey="n" name="tasks">
                {s.labels.map((l) => (
                  <Cell key={l.name} fill={l.color ?? "#0284c7"} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      </section>

      <section className="flex flex-col gap-2">
        <h2 className="font-medium">Review throughput, last 30 days</h2>
        {s.throughput.length === 0 ? <p className="text-xs text-zinc-500">No review activity yet.</p> : null}
        <div className="h-64" role="img" aria-label="Review events per day">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={s.throughput}>
              <CartesianGrid strokeDasharray="3 3" stroke={dark ? "#27272a" : "#e4e4e7"} />
              <XAxis dataKey="day" stroke={axis} fontSize={11} />
              <YAxis allowDecimals={false} stroke={axis} fontSize={11} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {KINDS.map((k) => (
                <Bar key={k.key} dataKey={k.key} stackId="a" fill={k.color} name={k.key.replace("_", " ")} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        <p className="text-[11px] text-zinc-500">Reviewers: {s.reviewers.join(", ") || "—"}</p>
      </section>
    </div>
  );
}
