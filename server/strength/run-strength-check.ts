// Carries out a strength check for the worker that claimed it: the revision's verifier and solution
// against the pack its accepted verdict was computed on (server/sandbox/strength.ts says what the
// check does), then the result on the check's row and, while the revision is still current, on the
// task. Every write is fenced on the claiming worker, like a filter run's.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { withoutNul } from "../filter/run-filter";
import { failRow, requeueRow } from "../jobs/queue";
import type { JobOutcome } from "../jobs/worker";
import { materializePack } from "../packs/materialize-pack";
import {
  DEFAULT_PROBE_CAP,
  PackLoadError,
  SandboxUnavailableError,
  type Sandbox,
  type StrengthReport,
} from "../sandbox";
import { strengthStatusOf } from "./strength-summary";

interface CheckRow {
  id: number;
  status: string;
  worker_id: string | null;
  task_id: number;
  revision_id: number;
  current_revision_id: number | null;
  cap: number | null;
  probe_variants: number | null;
  verifier: string;
  solution: string;
  pack_id: number | null;
  hash: string | null;
  case_timeout_ms: number | null;
  memory_mb: number | null;
}

export async function runStrengthJob({
  db,
  sandbox,
  checkId,
  workerId,
  lastAttempt = false,
}: {
  db: Db;
  sandbox: Sandbox;
  checkId: number;
  workerId: string;
  lastAttempt?: boolean;
}): Promise<JobOutcome> {
  const { rows } = await db.pool.query<CheckRow>(
    `select s.id, s.status::text as status, s.worker_id, s.task_id, s.revision_id, t.current_revision_id, s.cap, e.probe_variants,
            r.verifier, r.solution, p.id as pack_id, p.hash, p.case_timeout_ms, p.memory_mb
     from strength_checks s
     join task_revisions r on r.id = s.revision_id
     join tasks t on t.id = s.task_id
     join environments e on e.id = t.environment_id
     left join packs p on p.id = s.pack_id
     where s.id = $1`,
    [checkId],
  );
  const row = rows[0];
  if (row?.status !== "running" || row.worker_id !== workerId) return "lost";
  if (row.current_revision_id !== row.revision_id) {
    // a newer revision was saved meanwhile: it gets its own check after its own filter run
    const n = await db.prisma.strengthCheck.updateMany({
      where: { id: checkId, workerId, status: "running" },
      data: {
        status: "cancelled",
        error: "A newer revision replaced this one before it was checked.",
        finishedAt: new Date(),
        workerId: null,
        leaseUntil: null,
      },
    });
    return n.count ? "cancelled" : "lost";
  }
  if (row.pack_id === null || row.hash === null) {
    await failRow(
      db,
      "strength_checks",
      workerId,
      checkId,
      "The pack this revision was accepted on is gone: run the filter again.",
    );
    return "failed";
  }
  const started = Date.now();
  let dir: string;
  try {
    dir = await materializePack({ db, packId: row.pack_id, hash: row.hash });
  } catch (err) {
    if (err instanceof AppError) throw err;
    await requeueRow(db, "strength_checks", workerId, checkId, {
      countAttempt: false,
      note: `Waiting for a worker that can write the pack: ${(err as Error).message}`,
    });
    return "released";
  }
  if (!sandbox.checkStrength) {
    await requeueRow(db, "strength_checks", workerId, checkId, {
      countAttempt: false,
      note: "Waiting for a worker whose sandbox runs strength checks.",
    });
    return "released";
  }
  let report: StrengthReport;
  try {
    report = await sandbox.checkStrength(
      { dir, hash: row.hash },
      { verifier: row.verifier, solution: row.solution },
      {
        ...(row.case_timeout_ms ? { timeoutMs: row.case_timeout_ms } : {}),
        ...(row.memory_mb ? { memoryBytes: row.memory_mb * 1048576 } : {}),
      },
      { cap: row.cap ?? row.probe_variants ?? DEFAULT_PROBE_CAP, fairnessKey: `task:${row.task_id}`, expectPass: true },
    );
  } catch (err) {
    if (err instanceof SandboxUnavailableError) {
      await requeueRow(db, "strength_checks", workerId, checkId, {
        countAttempt: false,
        note: `Waiting for a worker that can run the sandbox: ${err.message}`,
      });
      return "released";
    }
    if (err instanceof PackLoadError && (err.detail || lastAttempt)) {
      await failRow(db, "strength_checks", workerId, checkId, `The environment pack did not load: ${err.message}`);
      return "failed";
    }
    throw err; // the worker requeues it (counting the attempt) or fails it on the last attempt
  }
  return (await recordStrength(db, checkId, workerId, report, Date.now() - started)) ? "done" : "lost";
}

/** The check's result, and the task's strength while the checked revision is its current one: one statement. */
export async function recordStrength(
  db: Db,
  checkId: number,
  workerId: string,
  report: StrengthReport,
  durationMs: number,
): Promise<boolean> {
  const result = strengthStatusOf(report);
  const { rows } = await db.pool.query<{ id: number }>(
    `with done as (
       update strength_checks set status = 'done', result = $3::"StrengthStatus", variants = $4, leaks = $5, flaky = $6, unread_writes = $7::jsonb,
              report = $8::jsonb, duration_ms = $9, error = null, finished_at = now(), worker_id = null, lease_until = null
       where id = $1 and worker_id = $2 and status = 'running'
       returning id, task_id, revision_id
     ),
     shown as (
       update tasks t set strength = $3::"StrengthStatus", strength_check_id = d.id
       from done d
       where t.id = d.task_id and t.current_revision_id = d.revision_id and (t.strength_check_id is null or t.strength_check_id <= d.id)
     )
     select id from done`,
    [
      checkId,
      workerId,
      result,
      report.variants,
      report.leaks,
      report.flaky,
      report.unreadWrites === null ? null : JSON.stringify(withoutNul(report.unreadWrites)),
      JSON.stringify(withoutNul(report)),
      durationMs,
    ],
  );
  return rows.length > 0;
}
