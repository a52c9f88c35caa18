// The paper's funnel (Zhou et al., 2025, Table 4): of the tasks, how many have a verifier that loads,
// of those how many have a passing solution, of those how many reject every failure case.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";

export interface FunnelRow {
  group: string;
  tasks: number;
  run: number;
  verifierLoads: number;
  solutionPasses: number;
  accepted: number;
  byReason: Record<string, number>;
}

export async function getFunnel({ db, by }: { db: Db; by: "batch" | "environment" }): Promise<FunnelRow[]> {
  const group = by === "batch" ? Prisma.sql`coalesce(b.name, '(none)')` : Prisma.sql`e.name`;
  const rows = await db.prisma.$queryRaw<Array<{ grp: string; status: string; reason: string | null; n: number }>>`
    select ${group} as grp, t.verdict_status::text as status, t.verdict_reason::text as reason, count(*)::int as n
    from tasks t join environments e on e.id = t.environment_id left join import_batches b on b.id = t.batch_id
    group by 1, 2, 3`;
  const out = new Map<string, FunnelRow>();
  for (const r of rows) {
    const f = out.get(r.grp) ?? { group: r.grp, tasks: 0, run: 0, verifierLoads: 0, solutionPasses: 0, accepted: 0, byReason: {} };
    out.set(r.grp, f);
    f.tasks += r.n;
    if (r.status === "pending") continue;
    f.run += r.n;
    if (r.reason) f.byReason[r.reason] = (f.byReason[r.reason] ?? 0) + r.n;
    if (r.reason !== "verifier_invalid") f.verifierLoads += r.n;
    if (r.reason !== "verifier_invalid" && r.reason !== "solution_not_passing") f.solutionPasses += r.n;
    if (r.status === "accepted") f.accepted += r.n;
  }
  return [...out.values()].sort((a, b) => a.group.localeCompare(b.group));
}
