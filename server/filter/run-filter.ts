// Carries out one filter run for the worker that claimed it: the task revision's cases in the
// sandbox, against the pack chosen when the run was requested, then the verdict. Every write is
// fenced on the claiming worker, so a worker that lost its row (its lease lapsed and another took
// over) can never record a second set of results.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { failRow, requeueRow } from "../jobs/queue";
import type { JobOutcome } from "../jobs/worker";
import { runTaskOnPack } from "../packs/materialize-pack";
import { PackLoadError, SandboxUnavailableError, type Sandbox, type TaskVerdict } from "../sandbox";

/** Postgres text and jsonb cannot hold NUL characters; user output may contain them. */
export function withoutNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "\uFFFD") as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}

export interface RunFilterJobOptions {
  db: Db;
  sandbox: Sandbox;
  runId: number;
  /** The worker that claimed the run (server/jobs/queue.ts). */
  workerId: string;
}

export async function runFilterJob({ db, sandbox, runId, workerId }: RunFilterJobOptions): Promise<JobOutcome> {
  const run = await db.prisma.filterRun.findUnique({
    where: { id: runId },
    select: {
      status: true,
      workerId: true,
      taskId: true,
      revisionId: true,
      rerun: { select: { cancelledAt: true } },
      revision: { select: { verifier: true, solution: true, failureCases: true } },
      pack: { select: { id: true, hash: true, caseTimeoutMs: true, memoryMb: true } },
    },
  });
  if (!run || run.status !== "running" || run.workerId !== workerId) return "lost";
  if (run.rerun?.cancelledAt) {
    const { count } = await db.prisma.filterRun.updateMany({ where: { id: runId, workerId, status: "running" }, data: { status: "cancelled", finishedAt: new Date(), workerId: null, leaseUntil: null } });
    return count ? "cancelled" : "lost";
  }
  if (!run.pack) {
    await failRow(db, "filter_runs", workerId, runId, "The task's environment has no registered pack: add one with `cli env add DIR`.");
    return "failed";
  }
  const started = Date.now();
  let verdict: TaskVerdict;
  try {
    verdict = await runTaskOnPack({
      db,
      sandbox,
      pack: run.pack,
      code: { verifier: run.revision.verifier, solution: run.revision.solution, failureCases: run.revision.failureCases },
    });
  } catch (err) {
    // This machine cannot run the sandbox: not the task's fault, so the run waits for one that can.
    if (err instanceof SandboxUnavailableError) {
      await requeueRow(db, "filter_runs", workerId, runId, { countAttempt: false, note: `Waiting for a worker that can run the sandbox: ${err.message}` });
      return "released";
    }
    if (err instanceof PackLoadError) {
      await failRow(db, "filter_runs", workerId, runId, `The environment pack did not load, so no case could run: ${err.message}`);
      return "failed";
    }
    throw err; // the worker requeues it (counting the attempt) or fails it on the last attempt
  }
  return (await recordVerdict(db, { runId, workerId, taskId: run.taskId, revisionId: run.revisionId, durationMs: Date.now() - started }, verdict)) ? "done" : "lost";
}

class LostRun extends Error {}

async function recordVerdict(db: Db, run: { runId: number; workerId: string; taskId: number; revisionId: number; durationMs: number }, verdict: TaskVerdict): Promise<boolean> {
  // Rows are built before the transaction opens: nothing slow happens while it holds locks.
  const cases = verdict.cases.map((c) =>
    withoutNul({
      runId: run.runId,
      role: c.role,
      index: c.index,
      outcome: c.outcome,
      returnRepr: c.returnRepr ?? null,
      error: c.caseError || c.verifyError ? ({ case: c.caseError ?? null, verify: c.verifyError ?? null } as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
      stdout: c.stdout,
      stderr: c.stderr,
      toolCalls: c.toolCalls as unknown as Prisma.InputJsonValue,
      messages: c.messages,
      durationMs: Math.round(c.durationMs),
    }),
  );
  try {
    await db.prisma.$transaction(
      async (tx) => {
        const { count } = await tx.filterRun.updateMany({
          where: { id: run.runId, workerId: run.workerId, status: "running" },
          data: {
            status: "done",
            verdictStatus: verdict.status,
            verdictReason: verdict.reason,
            codeHash: verdict.codeHash,
            verifierError: verdict.verifierError ? (withoutNul(verdict.verifierError) as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
            error: null,
            durationMs: run.durationMs,
            finishedAt: new Date(),
            workerId: null,
            leaseUntil: null,
          },
        });
        if (!count) throw new LostRun();
        await tx.caseResult.deleteMany({ where: { runId: run.runId } });
        await tx.caseResult.createMany({ data: cases });
        // The task shows this verdict only if it is still about the current revision and no newer run
        // has already reported.
        await tx.$executeRaw`
          update tasks set verdict_status = ${verdict.status}::"VerdictStatus", verdict_reason = ${verdict.reason}::"RejectReason",
                 verdict_run_id = ${run.runId}::int, updated_at = now()
          where id = ${run.taskId}::int and current_revision_id = ${run.revisionId}::int
            and (verdict_run_id is null or verdict_run_id <= ${run.runId}::int)`;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    return true;
  } catch (err) {
    if (err instanceof LostRun) return false;
    throw err;
  }
}
