// The paper's funnel (Zhou et al., 2025, Table 4): of the tasks, how many have a verifier that loads,
// of those how many have a passing solution, of those how many reject every failure case.
import type { Db } from "../db/client";

export interface FunnelCounts {
  run: number;
  verifierLoads: number;
  solutionPasses: number;
  accepted: number;
}

/** The funnel from the verdicts of the tasks that ran: their number, the accepted, and the rejected per reason. */
export function funnelOf(run: number, accepted: number, byReason: Record<string, number>): FunnelCounts {
  const verifierLoads = run - (byReason.verifier_invalid ?? 0);
  const solutionPasses = verifierLoads - (byReason.solution_not_passing ?? 0);
  return { run, verifierLoads, solutionPasses, accepted };
}

/** Adds a group of tasks with one verdict to a running tally. */
export function tallyVerdict(
  t: { tasks: number; run: number; accepted: number; byReason: Record<string, number> },
  status: string,
  reason: string | null,
  n: number,
) {
  t.tasks += n;
  if (status === "pending") return;
  t.run += n;
  if (status === "accepted") t.accepted += n;
  if (reason) t.byReason[reason] = (t.byReason[reason] ?? 0) + n;
}

export interface FunnelRow extends FunnelCounts {
  group: string;
  tasks: number;
  byReason: Record<string, number>;
}

export async function getFunnel({ db, by }: { db: Db; by: "batch" | "environment" }): Promise<FunnelRow[]> {
  // The counters hold the answer (a few hundred rows at any size; see the facet_counters and
  // batch_verdict_counters migrations). A task counts in every batch it belongs to.
  const rows =
    by === "environment"
      ? await db.prisma.$queryRaw<Array<{ grp: string; status: string; reason: string | null; n: number }>>`
          select e.name as grp, c.verdict_status::text as status, c.verdict_reason::text as reason, sum(c.n)::int as n
          from task_counts c join environments e on e.id = c.environment_id
          group by 1, 2, 3 having sum(c.n) <> 0`
      : await db.prisma.$queryRaw<Array<{ grp: string; status: string; reason: string | null; n: number }>>`
          select b.name as grp, c.verdict_status::text as status, c.verdict_reason::text as reason, sum(c.n)::int as n
          from batch_verdict_counts c join import_batches b on b.id = c.batch_id
          group by 1, 2, 3 having sum(c.n) <> 0`;
  const groups = new Map<string, { tasks: number; run: number; accepted: number; byReason: Record<string, number> }>();
  for (const r of rows) {
    const t = groups.get(r.grp) ?? { tasks: 0, run: 0, accepted: 0, byReason: {} };
    groups.set(r.grp, t);
    tallyVerdict(t, r.status, r.reason, r.n);
  }
  return [...groups.entries()]
    .map(([g, t]) => ({ group: g, tasks: t.tasks, byReason: t.byReason, ...funnelOf(t.run, t.accepted, t.byReason) }))
    .sort((a, b) => a.group.localeCompare(b.group));
}
