import type { Db } from "../db/client";
import { AppError } from "../errors";

export interface RerunProgress {
  id: number;
  scope: string;
  taskCount: number;
  createdAt: string;
  cancelled: boolean;
  runs: { queued: number; running: number; done: number; failed: number; cancelled: number };
  verdicts: { accepted: number; rejected: number; byReason: Record<string, number> };
  cases: { pass: number; fail: number; error: number; timeout: number };
  finished: boolean;
  /** Tasks per second over the last 30 seconds. */
  rate: number;
  etaSeconds: number | null;
  seconds: number;
}

export async function getRerunProgress({ db, rerunId }: { db: Db; rerunId: number }): Promise<RerunProgress> {
  const rerun = await db.prisma.rerun.findUnique({ where: { id: rerunId }, select: { id: true, scope: true, taskCount: true, createdAt: true, cancelledAt: true } });
  if (!rerun) throw new AppError("NOT_FOUND", `Rerun ${rerunId} does not exist.`);
  const [statusRows, verdictRows, caseRows, recent, span] = await Promise.all([
    db.prisma.filterRun.groupBy({ by: ["status"], where: { rerunId }, _count: { _all: true } }),
    db.prisma.filterRun.groupBy({ by: ["verdictStatus", "verdictReason"], where: { rerunId, status: "done" }, _count: { _all: true } }),
    db.prisma.$queryRaw<Array<{ outcome: string; n: number }>>`
      select c.outcome::text as outcome, count(*)::int as n from case_results c join filter_runs f on f.id = c.run_id
      where f.rerun_id = ${rerunId}::int group by c.outcome`,
    db.prisma.filterRun.count({ where: { rerunId, finishedAt: { gte: new Date(Date.now() - 30_000) } } }),
    db.prisma.filterRun.aggregate({ where: { rerunId }, _max: { finishedAt: true } }),
  ]);
  const runs = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const r of statusRows) runs[r.status] = r._count._all;
  const verdicts = { accepted: 0, rejected: 0, byReason: {} as Record<string, number> };
  for (const v of verdictRows) {
    if (v.verdictStatus === "accepted") verdicts.accepted += v._count._all;
    if (v.verdictStatus === "rejected") {
      verdicts.rejected += v._count._all;
      if (v.verdictReason) verdicts.byReason[v.verdictReason] = (verdicts.byReason[v.verdictReason] ?? 0) + v._count._all;
    }
  }
  const cases = { pass: 0, fail: 0, error: 0, timeout: 0 };
  for (const c of caseRows) cases[c.outcome as keyof typeof cases] = c.n;
  const remaining = runs.queued + runs.running;
  const rate = recent / 30;
  const finished = remaining === 0;
  const end = finished && span._max.finishedAt ? span._max.finishedAt.getTime() : Date.now();
  return {
    id: rerun.id,
    scope: rerun.scope,
    taskCount: rerun.taskCount,
    createdAt: rerun.createdAt.toISOString(),
    cancelled: !!rerun.cancelledAt,
    runs,
    verdicts,
    cases,
    finished,
    rate: Math.round(rate * 10) / 10,
    etaSeconds: finished ? 0 : rate > 0 ? Math.ceil(remaining / rate) : null,
    seconds: Math.max(0, (end - rerun.createdAt.getTime()) / 1000),
  };
}

export async function listReruns({ db, take = 10 }: { db: Db; take?: number }) {
  const reruns = await db.prisma.rerun.findMany({ select: { id: true }, orderBy: { id: "desc" }, take });
  return Promise.all(reruns.map((r) => getRerunProgress({ db, rerunId: r.id })));
}
