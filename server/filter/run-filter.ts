// Carries out one filter run: the task revision's cases in the sandbox, against the pack chosen when
// the run was requested, and records the verdict. Safe to repeat: a finished run is left alone, and
// re-recording replaces the case rows of the same run.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { runTaskOnPack } from "../packs/materialize-pack";
import type { Sandbox, TaskVerdict } from "../sandbox";

const TERMINAL = new Set(["done", "failed", "cancelled"]);

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
  /** On the last attempt an infrastructure error fails the run instead of asking for a retry. */
  lastAttempt: boolean;
}

export async function runFilterJob({ db, sandbox, runId, lastAttempt }: RunFilterJobOptions): Promise<"done" | "skipped" | "failed" | "cancelled"> {
  const run = await db.prisma.filterRun.findUnique({
    where: { id: runId },
    select: {
      status: true,
      taskId: true,
      revisionId: true,
      rerun: { select: { cancelledAt: true } },
      revision: { select: { verifier: true, solution: true, failureCases: true } },
      pack: { select: { id: true, hash: true, caseTimeoutMs: true, memoryMb: true } },
    },
  });
  if (!run || TERMINAL.has(run.status)) return "skipped";
  if (run.rerun?.cancelledAt) {
    await db.prisma.filterRun.update({ where: { id: runId }, data: { status: "cancelled", finishedAt: new Date() } });
    return "cancelled";
  }
  if (!run.pack) {
    await db.prisma.filterRun.update({ where: { id: runId }, data: { status: "failed", error: "The task's environment has no registered pack: add one with `cli env add DIR`.", finishedAt: new Date() } });
    return "failed";
  }
  await db.prisma.filterRun.update({ where: { id: runId }, data: { status: "running", startedAt: new Date(), attempts: { increment: 1 } } });
  const started = Date.now();
  try {
    const verdict = await runTaskOnPack({
      db,
      sandbox,
      pack: run.pack,
      code: { verifier: run.revision.verifier, solution: run.revision.solution, failureCases: run.revision.failureCases },
    });
    await recordVerdict(db, { runId, taskId: run.taskId, revisionId: run.revisionId, durationMs: Date.now() - started }, verdict);
    return "done";
  } catch (err) {
    const message = `The run could not be carried out: ${(err as Error).message}`;
    if (!lastAttempt) {
      await db.prisma.filterRun.update({ where: { id: runId }, data: { status: "queued", error: message } });
      throw err; // the queue retries it
    }
    await db.prisma.filterRun.update({ where: { id: runId }, data: { status: "failed", error: message, finishedAt: new Date() } });
    return "failed";
  }
}

async function recordVerdict(db: Db, run: { runId: number; taskId: number; revisionId: number; durationMs: number }, verdict: TaskVerdict): Promise<void> {
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
  await db.prisma.$transaction(async (tx) => {
    await tx.caseResult.deleteMany({ where: { runId: run.runId } });
    await tx.caseResult.createMany({ data: cases });
    await tx.filterRun.update({
      where: { id: run.runId },
      data: {
        status: "done",
        verdictStatus: verdict.status,
        verdictReason: verdict.reason,
        codeHash: verdict.codeHash,
        verifierError: verdict.verifierError ? (withoutNul(verdict.verifierError) as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
        error: null,
        durationMs: run.durationMs,
        finishedAt: new Date(),
      },
    });
    // The task shows this verdict only if it is still about the current revision and no newer run
    // has already reported.
    await tx.$executeRaw`
      update tasks set verdict_status = ${verdict.status}::"VerdictStatus", verdict_reason = ${verdict.reason}::"RejectReason",
             verdict_run_id = ${run.runId}::int, updated_at = now()
      where id = ${run.taskId}::int and current_revision_id = ${run.revisionId}::int
        and (verdict_run_id is null or verdict_run_id <= ${run.runId}::int)`;
  });
}
