"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { taskListHref } from "../task-list/list-params";
import { useTRPC } from "../trpc";
import { Section } from "../ui/section";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { useDark } from "../ui/use-dark";

const KINDS = [
  { key: "approved", color: "#059669" },
  { key: "rejected", color: "#e11d48" },
  { key: "needs_edit", color: "#d97706" },
  { key: "label_added", color: "#7c3aed" },
  { key: "comment", color: "#0284c7" },
  { key: "revision", color: "#64748b" },
] as const;

const linkClass = "text-sky-700 hover:underline dark:text-sky-400";

/** A count that opens the task list filtered to exactly those tasks. */
function Count({ n, href, children, testId }: { n: number; href: string; children: ReactNode; testId?: string }) {
  return (
    <Link href={href} className={linkClass} data-testid={testId}>
      <strong className="tabular-nums">{n.toLocaleString()}</strong> {children}
    </Link>
  );
}

export function StatisticsCharts() {
  const trpc = useTRPC();
  const router = useRouter();
  const dark = useDark();
  const stats = useQuery(trpc.stats.statistics.queryOptions({ days: 30 }));
  const axis = dark ? "#a1a1aa" : "#52525b";
  if (!stats.data) return <p className="text-xs text-zinc-500">Loading statistics…</p>;
  const s = stats.data;
  return (
    <div className="flex flex-col gap-6" data-testid="statistics">
      <Section title="Datasets (latest version of each)">
        {s.datasets.length === 0 ? <p className="text-xs text-zinc-500">No published dataset yet.</p> : null}
        {s.datasets.length ? (
          <Table aria-label="Datasets">
            <THead>
              <TH>Dataset</TH>
              <TH numeric>Tasks</TH>
              <TH numeric>Run</TH>
              <TH numeric>Verifier loads</TH>
              <TH numeric>Solution passes</TH>
              <TH numeric>Accepted</TH>
              <TH numeric>By override</TH>
            </THead>
            <tbody>
              {s.datasets.map((d) => (
                <TR key={d.dataset}>
                  <TD>
                    <Link className={linkClass} href={`/datasets/${encodeURIComponent(d.dataset)}`}>
                      {d.dataset} v{d.version}
                    </Link>
                  </TD>
                  {(["tasks", "run", "verifierLoads", "solutionPasses", "accepted"] as const).map((k) => (
                    <TD key={k} numeric>
                      {d[k]}
                    </TD>
                  ))}
                  <TD numeric>
                    {/* Approvals by override in the working set: what the next version would carry. */}
                    <Link
                      className={linkClass}
                      href={taskListHref({ dataset: d.dataset, override: "yes" })}
                      title="In this version; the link lists the working set's"
                    >
                      {d.overrides}
                    </Link>
                  </TD>
                </TR>
              ))}
            </tbody>
          </Table>
        ) : null}
      </Section>

      <Section title="What curation found">
        <ul className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="curation-findings">
          <li>
            <Count
              n={s.falsePositives.labelled}
              href={taskListHref({ label: "false positive" })}
              testId="false-positives-labelled"
            >
              false positives found
            </Count>{" "}
            (every task labelled false positive) ·{" "}
            <Count
              n={s.falsePositives.flippedByEdit}
              href={taskListHref({ edit: "newly_rejected" })}
              testId="false-positives-flipped"
            >
              accepted → rejected by an edit
            </Count>{" "}
            (a stricter verifier the failure cases now catch)
          </li>
          <li>
            <Count n={s.overrides} href={taskListHref({ override: "yes" })} testId="overrides">
              approved by override
            </Count>{" "}
            (the filter did not accept them; the reviewer gave a reason)
          </li>
        </ul>
      </Section>

      <Section title="What human edits did to verdicts">
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="edit-outcomes">
          <Count n={s.edits.edited} href={taskListHref({ edited: "yes" })}>
            tasks edited
          </Count>{" "}
          ·{" "}
          <Count n={s.edits.rescued} href={taskListHref({ edit: "rescued" })}>
            rescued
          </Count>{" "}
          (rejected → accepted) ·{" "}
          <Count n={s.edits.newlyRejected} href={taskListHref({ edit: "newly_rejected" })}>
            newly rejected
          </Count>{" "}
          (accepted → rejected) · {s.edits.unchanged} same verdict ·{" "}
          <Count n={s.edits.pendingNow} href={taskListHref({ edited: "yes", verdict: "pending" })}>
            awaiting their rerun
          </Count>{" "}
          · {s.edits.notRunBefore} not run before the edit
        </p>
      </Section>

      <Section title="Labels">
        <div
          className="h-56"
          role="img"
          aria-label={`Label distribution: ${s.labels.map((l) => `${l.name} ${l.n}`).join(", ")}`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={s.labels} layout="vertical" margin={{ left: 40 }}>
              <CartesianGrid strokeDasharray="3 3" stroke={dark ? "#27272a" : "#e4e4e7"} />
              <XAxis type="number" allowDecimals={false} stroke={axis} fontSize={11} />
              <YAxis type="category" dataKey="name" width={130} stroke={axis} fontSize={11} />
              <Tooltip />
              <Bar
                dataKey="n"
                name="tasks"
                cursor="pointer"
                onClick={(d: { name?: string }) => d.name && router.push(taskListHref({ label: d.name }))}
              >
                {s.labels.map((l) => (
                  <Cell key={l.name} fill={l.color ?? "#0284c7"} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
        {/* The same counts as links: the chart's bars are not reachable by keyboard. */}
        <ul className="flex flex-wrap gap-x-3 text-xs" aria-label="Tasks per label">
          {s.labels.map((l) => (
            <li key={l.name}>
              <Count n={l.n} href={taskListHref({ label: l.name })}>
                {l.name}
              </Count>
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Review throughput, last 30 days">
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
      </Section>
    </div>
  );
}
