// Carries out filter runs for the worker that claimed them: the task revision's cases in the
// sandbox, against the pack chosen when the run was requested, then the verdict. Every write is
// fenced on the claiming worker, so a worker that lost its row (its lease lapsed and another took
// over) can never record a second set of results.
//
// On two cores every millisecond the host spends per case is taken from the sandbox, so the
// database work is batched: a worker claims several runs and loads what they need in one query
// (loadFilterRuns), and verdicts are written by one statement for every verdict that arrived
// while the previous write was in flight (VerdictWriter): the runs, their case results, the
// tasks' verdicts and the reruns' progress counters together.
import type { Db } from "../db/client";
import { failRow, requeueRow } from "../jobs/queue";
import { profileLine, profiling } from "../jobs/profile";
import type { JobOutcome } from "../jobs/worker";
import { AppError } from "../errors";
import { materializePack, runTaskOnPack, type PackToRun } from "../packs/materialize-pack";
import {
  PackLoadError,
  SandboxUnavailableError,
  type CaseResult,
  type Sandbox,
  type TaskCode,
  type TaskVerdict,
} from "../sandbox";

/** Postgres text and jsonb cannot hold NUL characters; user output may contain them. */
export function withoutNul<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}

/** A claimed run with everything needed to carry it out. */
export interface FilterRunToDo {
  id: number;
  taskId: number;
  revisionId: number;
  status: string;
  workerId: string | null;
  cancelled: boolean;
  code: TaskCode;
  pack: PackToRun | null;
  /** Time its worker spent claiming and loading it (for the profile). */
  queueMs?: number;
}

/** Loads the runs with their code, pack and rerun state, in one query however many. */
export async function loadFilterRuns(db: Db, ids: number[]): Promise<Map<number, FilterRunToDo>> {
  if (!ids.length) return new Map();
  const { rows } = await db.pool.query<{
    id: number;
    task_id: number;
    revision_id: number;
    status: string;
    worker_id: string | null;
    cancelled: boolean;
    verifier: string;
    solution: string;
    failure_cases: string[];
    pack_id: number | null;
    hash: string | null;
    case_timeout_ms: number | null;
    memory_mb: number | null;
  }>(
    `select f.id, f.task_id, f.revision_id, f.status::text as status, f.worker_id, (rr.cancelled_at is not null) as cancelled,
            r.verifier, r.solution, r.failure_cases, p.id as pack_id, p.hash, p.case_timeout_ms, p.memory_mb
     from filter_runs f
     join task_revisions r on r.id = f.revision_id
     left join packs p on p.id = f.pack_id
     left join reruns rr on rr.id = f.rerun_id
     where f.id = any($1::int[])`,
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        taskId: r.task_id,
        revisionId: r.revision_id,
        status: r.status,
        workerId: r.worker_id,
        cancelled: r.cancelled,
        code: { verifier: r.verifier, solution: r.solution, failureCases: r.failure_cases },
        pack:
          r.pack_id !== null && r.hash !== null
            ? { id: r.pack_id, hash: r.hash, caseTimeoutMs: r.case_timeout_ms, memoryMb: r.memory_mb }
            : null,
      },
    ]),
  );
}

export interface RunFilterJobOptions {
  db: Db;
  sandbox: Sandbox;
  runId: number;
  /** The worker that claimed the run (server/jobs/queue.ts). */
  workerId: string;
  /** The run as loaded when it was claimed; loaded here when not given. */
  run?: FilterRunToDo;
  /** This is the run's last attempt: what went wrong is recorded rather than tried again. */
  lastAttempt?: boolean;
}

/**
 * What happened to a run is the task's doing, or the machine's: a worker without a sandbox, a data
 * directory it cannot write, a zygote that died, are not verdicts about the task. Those runs go back
 * to the queue (for a worker that can run them) and the worker re-checks itself before taking more.
 */
export async function runFilterJob({
  db,
  sandbox,
  runId,
  workerId,
  run: given,
  lastAttempt = false,
}: RunFilterJobOptions): Promise<JobOutcome> {
  const run = given ?? (await loadFilterRuns(db, [runId])).get(runId);
  if (run?.status !== "running" || run.workerId !== workerId) return "lost";
  if (run.cancelled) {
    const { count } = await db.prisma.filterRun.updateMany({
      where: { id: runId, workerId, status: "running" },
      data: { status: "cancelled", finishedAt: new Date(), workerId: null, leaseUntil: null },
    });
    return count ? "cancelled" : "lost";
  }
  if (!run.pack) {
    await failRow(
      db,
      "filter_runs",
      workerId,
      runId,
      "The task's environment has no registered pack: add one with `cli env add DIR`.",
    );
    return "failed";
  }
  const started = Date.now();
  try {
    await materializePack({ db, packId: run.pack.id, hash: run.pack.hash });
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The pack's files could not be written here (a full disk, a read-only data directory).
    await requeueRow(db, "filter_runs", workerId, runId, {
      countAttempt: false,
      note: `Waiting for a worker that can write the pack: ${(err as Error).message}`,
    });
    return "released";
  }
  let verdict: TaskVerdict;
  try {
    verdict = await runTaskOnPack({ db, sandbox, pack: run.pack, code: run.code });
  } catch (err) {
    // This machine cannot run the sandbox: not the task's fault, so the run waits for one that can.
    if (err instanceof SandboxUnavailableError) {
      await requeueRow(db, "filter_runs", workerId, runId, {
        countAttempt: false,
        note: `Waiting for a worker that can run the sandbox: ${err.message}`,
      });
      return "released";
    }
    if (err instanceof PackLoadError) {
      // Without the pack's own traceback the sandbox died before the pack said anything: that may
      // be this machine (out of memory, bubblewrap gone), so it is tried again, elsewhere if this
      // worker's sandbox turns out broken; a pack that keeps doing it fails on its last attempt.
      if (!err.detail && !lastAttempt) {
        await requeueRow(db, "filter_runs", workerId, runId, {
          countAttempt: true,
          note: `The sandbox stopped before the pack loaded; trying again: ${err.message}`,
        });
        return "released";
      }
      await failRow(
        db,
        "filter_runs",
        workerId,
        runId,
        `The environment pack did not load, so no case could run: ${err.message}`,
      );
      return "failed";
    }
    throw err; // the worker requeues it (counting the attempt) or fails it on the last attempt
  }
  // A case lost to a zygote that crashed twice says nothing about the task: run it again (on
  // another worker if this one's sandbox is broken); on the last attempt the verdict stands.
  if (!lastAttempt && verdict.cases.some((c) => c.caseError?.type === "SandboxError")) {
    await requeueRow(db, "filter_runs", workerId, runId, {
      countAttempt: true,
      note: "The sandbox crashed while running a case; trying again.",
    });
    return "released";
  }
  const sandboxMs = Date.now() - started;
  const { held, writeMs } = await writerFor(db).write(toVerdictRow(run, workerId, sandboxMs, verdict));
  if (profiling())
    profileLine({
      t: "run",
      runId,
      cases: verdict.cases.length,
      queueMs: run.queueMs ?? 0,
      sandboxMs,
      writeMs,
      ...timingOf(verdict.cases),
    });
  return held ? "done" : "lost";
}

function timingOf(cases: CaseResult[]) {
  const sum = { fork: 0, case: 0, handover: 0, verify: 0 };
  for (const c of cases)
    if (c.timing) for (const k of ["fork", "case", "handover", "verify"] as const) sum[k] += c.timing[k];
  return sum;
}

// --- writing verdicts ------------------------------------------------------------------------

interface VerdictRow {
  run: {
    run_id: number;
    worker_id: string;
    task_id: number;
    revision_id: number;
    status: string;
    reason: string | null;
    code_hash: string;
    verifier_error: unknown;
    duration_ms: number;
    pass: number;
    fail: number;
    error: number;
    timeout: number;
  };
  cases: Array<Record<string, unknown>>;
  /** Size of the JSON it adds to a batch (batches are bounded in bytes). */
  bytes: number;
}

function toVerdictRow(run: FilterRunToDo, workerId: string, durationMs: number, verdict: TaskVerdict): VerdictRow {
  const outcomes = { pass: 0, fail: 0, error: 0, timeout: 0 };
  for (const c of verdict.cases) outcomes[c.outcome]++;
  const cases = verdict.cases.map((c) =>
    withoutNul({
      run_id: run.id,
      role: c.role,
      index: c.index,
      outcome: c.outcome,
      return_repr: c.returnRepr ?? null,
      error: c.caseError || c.verifyError ? { case: c.caseError ?? null, verify: c.verifyError ?? null } : null,
      stdout: c.stdout,
      stderr: c.stderr,
      tool_calls: c.toolCalls,
      messages: c.messages,
      duration_ms: Math.round(c.durationMs),
      state_diff: c.stateDiff ?? null,
    }),
  );
  let bytes = 256;
  for (const c of cases)
    bytes +=
      256 +
      (c.stdout as string).length +
      (c.stderr as string).length +
      64 * (c.messages as string[]).length +
      128 * (c.tool_calls as unknown[]).length;
  return {
    run: {
      run_id: run.id,
      worker_id: workerId,
      task_id: run.taskId,
      revision_id: run.revisionId,
      status: verdict.status,
      reason: verdict.reason,
      code_hash: verdict.codeHash,
      verifier_error: verdict.verifierError ? withoutNul(verdict.verifierError) : null,
      duration_ms: durationMs,
      ...outcomes,
    },
    cases,
    bytes,
  };
}

/** Verdicts per statement at most, and about this much JSON (a case keeps up to 2 MiB of output). */
const MAX_BATCH = 64;
const MAX_BATCH_BYTES = 8 << 20;

interface Pending {
  row: VerdictRow;
  resolve: (r: { held: boolean; writeMs: number }) => void;
  reject: (e: Error) => void;
}

/**
 * Writes verdicts in batches: whatever arrived while the previous statement ran goes into the next
 * one, so a busy worker writes many runs per round trip and an idle one writes each at once.
 */
class VerdictWriter {
  private pending: Pending[] = [];
  private flushing = false;
  constructor(private readonly db: Db) {}

  write(row: VerdictRow): Promise<{ held: boolean; writeMs: number }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // let the verdicts that finish in the same turn of the event loop join the batch
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      let bytes = 0;
      let n = 0;
      while (
        n < this.pending.length &&
        n < MAX_BATCH &&
        (n === 0 || bytes + this.pending[n]!.row.bytes <= MAX_BATCH_BYTES)
      )
        bytes += this.pending[n++]!.row.bytes;
      const batch = this.pending.splice(0, n);
      const started = performance.now();
      try {
        const held = await writeVerdicts(
          this.db,
          batch.map((p) => p.row),
        );
        const writeMs = (performance.now() - started) / batch.length;
        for (const p of batch) p.resolve({ held: held.has(p.row.run.run_id), writeMs });
      } catch (err) {
        // One bad row must not fail the others: write them one by one, each failing on its own.
        if (batch.length === 1) batch[0]!.reject(err as Error);
        else
          for (const p of batch) {
            await writeVerdicts(this.db, [p.row]).then(
              (held) => p.resolve({ held: held.has(p.row.run.run_id), writeMs: performance.now() - started }),
              (e: Error) => p.reject(e),
            );
          }
      }
    }
    this.flushing = false;
  }
}

const writers = new WeakMap<Db, VerdictWriter>();
function writerFor(db: Db): VerdictWriter {
  let w = writers.get(db);
  if (!w) {
    w = new VerdictWriter(db);
    writers.set(db, w);
  }
  return w;
}

/**
 * One statement: the runs still held by their workers become done, their case results are written,
 * each task shows the newest verdict about its current revision, and the reruns' counters move.
 * Returns the runs written (the others were lost to another worker).
 */
async function writeVerdicts(db: Db, rows: VerdictRow[]): Promise<Set<number>> {
  const { rows: written } = await db.pool.query<{ id: number }>(
    `with v as (
       select * from jsonb_to_recordset($1::jsonb) as v(run_id int, worker_id text, task_id int, revision_id int, status text, reason text,
                                                       code_hash text, verifier_error jsonb, duration_ms int, pass int, fail int, error int, timeout int)
     ),
     done as (
       update filter_runs f set status = 'done', verdict_status = v.status::"VerdictStatus", verdict_reason = v.reason::"RejectReason",
              code_hash = v.code_hash, verifier_error = v.verifier_error, error = null, duration_ms = v.duration_ms,
              finished_at = now(), worker_id = null, lease_until = null
       from v where f.id = v.run_id and f.worker_id = v.worker_id and f.status = 'running'
       returning f.id, f.rerun_id, v.task_id, v.revision_id, v.status, v.reason, v.pass, v.fail, v.error, v.timeout
     ),
     cases as (
       -- a run's (role, index) set is fixed by its revision: a row left by anything earlier is replaced
       insert into case_results (run_id, role, index, outcome, return_repr, error, stdout, stderr, tool_calls, messages, duration_ms, state_diff)
       select c.run_id, c.role::"CaseRole", c.index, c.outcome::"CaseOutcome", c.return_repr, c.error, c.stdout, c.stderr,
              coalesce(c.tool_calls, '[]'::jsonb), coalesce(c.messages, '{}'::text[]), c.duration_ms, c.state_diff
       from jsonb_to_recordset($2::jsonb) as c(run_id int, role text, index int, outcome text, return_repr text, error jsonb,
                                              stdout text, stderr text, tool_calls jsonb, messages text[], duration_ms int, state_diff jsonb)
       where c.run_id in (select id from done)
       on conflict (run_id, role, index) do update set outcome = excluded.outcome, return_repr = excluded.return_repr, error = excluded.error,
              stdout = excluded.stdout, stderr = excluded.stderr, tool_calls = excluded.tool_calls, messages = excluded.messages,
              duration_ms = excluded.duration_ms, state_diff = excluded.state_diff
     ),
     shown as (
       -- the task shows this verdict only if it is still about the current revision and no newer
       -- run has already reported (of two runs of one task in a batch, the newer)
       update tasks t set verdict_status = l.status::"VerdictStatus", verdict_reason = l.reason::"RejectReason", verdict_run_id = l.id, updated_at = now()
       from (select distinct on (task_id) * from done order by task_id, id desc) l
       where t.id = l.task_id and t.current_revision_id = l.revision_id and (t.verdict_run_id is null or t.verdict_run_id <= l.id)
     ),
     counted as (
       insert into rerun_progress as p (rerun_id, done, accepted, verifier_invalid, solution_not_passing, no_failure_cases, failure_case_passing,
                                        failure_case_error, cases_pass, cases_fail, cases_error, cases_timeout, last_finished_at, window_start, window_done)
       select rerun_id, count(*), count(*) filter (where status = 'accepted'), count(*) filter (where reason = 'verifier_invalid'),
              count(*) filter (where reason = 'solution_not_passing'), count(*) filter (where reason = 'no_failure_cases'),
              count(*) filter (where reason = 'failure_case_passing'), count(*) filter (where reason = 'failure_case_error'),
              sum(pass), sum(fail), sum(error), sum(timeout), now(), now(), count(*)
       from done where rerun_id is not null group by rerun_id
       on conflict (rerun_id) do update set
         done = p.done + excluded.done, accepted = p.accepted + excluded.accepted,
         verifier_invalid = p.verifier_invalid + excluded.verifier_invalid, solution_not_passing = p.solution_not_passing + excluded.solution_not_passing,
         no_failure_cases = p.no_failure_cases + excluded.no_failure_cases, failure_case_passing = p.failure_case_passing + excluded.failure_case_passing,
         failure_case_error = p.failure_case_error + excluded.failure_case_error,
         cases_pass = p.cases_pass + excluded.cases_pass, cases_fail = p.cases_fail + excluded.cases_fail,
         cases_error = p.cases_error + excluded.cases_error, cases_timeout = p.cases_timeout + excluded.cases_timeout,
         last_finished_at = now(),
         -- windows of about 15 s: a new one starts when the current one is that old
         previous_window_done = case when p.window_start is null or now() - p.window_start >= interval '30 seconds' then 0
                                     when now() - p.window_start >= interval '15 seconds' then p.window_done
                                     else p.previous_window_done end,
         window_done = case when p.window_start is null or now() - p.window_start >= interval '15 seconds' then excluded.done
                            else p.window_done + excluded.done end,
         window_start = case when p.window_start is null or now() - p.window_start >= interval '15 seconds' then now() else p.window_start end
     )
     select id from done`,
    [JSON.stringify(rows.map((r) => r.run)), JSON.stringify(rows.flatMap((r) => r.cases))],
  );
  return new Set(written.map((r) => r.id));
}
