import { queryRows, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
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

/**
 * One query, whatever the rerun's size: the verdict and case counts are counters kept by the verdict
 * writes (rerun_progress); running, failed and cancelled runs are counted on the (rerun, status)
 * index, and the queued ones are what is left of the rerun's tasks.
 */
export async function getRerunProgress({ db, rerunId }: { db: Db; rerunId: number }): Promise<RerunProgress> {
  // Through pg itself (queryRows): `filter --wait` polls this every 100 ms.
  const [row] = await queryRows<{
    id: number;
    scope: string;
    task_count: number;
    created_at: Date;
    cancelled_at: Date | null;
    done: number | null;
    accepted: number | null;
    verifier_invalid: number | null;
    solution_not_passing: number | null;
    no_failure_cases: number | null;
    failure_case_passing: number | null;
    failure_case_error: number | null;
    cases_pass: number | null;
    cases_fail: number | null;
    cases_error: number | null;
    cases_timeout: number | null;
    last_finished_at: Date | null;
    window_age: number | null;
    window_done: number | null;
    previous_window_done: number | null;
    running: number;
    failed: number;
    cancelled: number;
    pending: boolean;
    now: Date;
  }>(
    db,
    Prisma.sql`
    select r.id, r.scope, r.task_count, r.created_at, r.cancelled_at,
           p.done, p.accepted, p.verifier_invalid, p.solution_not_passing, p.no_failure_cases, p.failure_case_passing, p.failure_case_error,
           p.cases_pass, p.cases_fail, p.cases_error, p.cases_timeout, p.last_finished_at,
           extract(epoch from now() - p.window_start)::float8 as window_age, p.window_done, p.previous_window_done,
           (select count(*) from filter_runs f where f.rerun_id = r.id and f.status = 'running')::int as running,
           (select count(*) from filter_runs f where f.rerun_id = r.id and f.status = 'failed')::int as failed,
           (select count(*) from filter_runs f where f.rerun_id = r.id and f.status = 'cancelled')::int as cancelled,
           exists (select 1 from filter_runs f where f.rerun_id = r.id and f.status in ('queued', 'running')) as pending,
           now() as now
    from reruns r left join rerun_progress p on p.rerun_id = r.id
    where r.id = ${rerunId}::int`,
  );
  if (!row) throw new AppError("NOT_FOUND", `Rerun ${rerunId} does not exist.`);
  const done = row.done ?? 0;
  const finished = !row.pending;
  const runs = {
    // what is left of the rerun's tasks (a task deleted meanwhile takes its run with it)
    queued: finished ? 0 : Math.max(0, row.task_count - done - row.running - row.failed - row.cancelled),
    running: row.running,
    done,
    failed: row.failed,
    cancelled: row.cancelled,
  };
  const byReason: Record<string, number> = {};
  for (const reason of [
    "verifier_invalid",
    "solution_not_passing",
    "no_failure_cases",
    "failure_case_passing",
    "failure_case_error",
  ] as const) {
    if (row[reason]) byReason[reason] = row[reason]!;
  }
  const accepted = row.accepted ?? 0;
  const verdicts = { accepted, rejected: done - accepted, byReason };
  const cases = {
    pass: row.cases_pass ?? 0,
    fail: row.cases_fail ?? 0,
    error: row.cases_error ?? 0,
    timeout: row.cases_timeout ?? 0,
  };
  const rate = recentRate(row.window_age, row.window_done ?? 0, row.previous_window_done ?? 0);
  const remaining = runs.queued + runs.running;
  const end = finished && row.last_finished_at ? row.last_finished_at.getTime() : row.now.getTime();
  return {
    id: row.id,
    scope: row.scope,
    taskCount: row.task_count,
    createdAt: row.created_at.toISOString(),
    cancelled: !!row.cancelled_at,
    runs,
    verdicts,
    cases,
    finished,
    rate: Math.round(rate * 10) / 10,
    etaSeconds: finished ? 0 : rate > 0 ? Math.ceil(remaining / rate) : null,
    seconds: Math.max(0, (end - row.created_at.getTime()) / 1000),
  };
}

/**
 * Runs finished per second lately, from the counters' two windows: the current one (started
 * `age` seconds ago) and the one of about 15 s before it; nothing for 45 s means no rate.
 */
function recentRate(age: number | null, windowDone: number, previousDone: number): number {
  if (age === null || age >= 45) return 0;
  if (age < 15) return (windowDone + previousDone) / (age + 15);
  return windowDone / age;
}

export async function listReruns({ db, take = 10 }: { db: Db; take?: number }) {
  const reruns = await db.prisma.rerun.findMany({ select: { id: true }, orderBy: { id: "desc" }, take });
  return Promise.all(reruns.map((r) => getRerunProgress({ db, rerunId: r.id })));
}
