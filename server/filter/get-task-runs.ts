import { type Db, readSnapshot } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import type { CaseError, StateDiff, ToolCall } from "../sandbox";

/** How run-filter.ts stores a case's errors: what the case raised, and what verify raised. */
interface StoredCaseErrors {
  case: CaseError | null;
  verify: CaseError | null;
}

/**
 * A task's filter runs, newest first, and the full case matrix of one of them (default: the newest),
 * in one snapshot: the page stops polling when the newest run has ended.
 */
export function getTaskRuns({ db, taskId, runId }: { db: Db; taskId: number; runId?: number }) {
  return readSnapshot(db, (tx) => readTaskRuns(tx, taskId, runId));
}

async function readTaskRuns(tx: Prisma.TransactionClient, taskId: number, runId: number | undefined) {
  const task = await tx.task.findUnique({
    where: { id: taskId },
    select: { id: true, currentRevisionId: true, verdictRunId: true },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const runs = await tx.filterRun.findMany({
    where: { taskId },
    orderBy: { id: "desc" },
    take: 30,
    select: {
      id: true,
      status: true,
      verdictStatus: true,
      verdictReason: true,
      revisionId: true,
      revision: { select: { number: true } },
      pack: { select: { hash: true } },
      codeHash: true,
      error: true,
      durationMs: true,
      createdAt: true,
      finishedAt: true,
    },
  });
  const shownId = runId ?? runs[0]?.id;
  const shown = shownId
    ? await tx.filterRun.findFirst({
        where: { id: shownId, taskId },
        select: {
          id: true,
          status: true,
          verifierError: true,
          cases: {
            orderBy: [{ role: "asc" }, { index: "asc" }], // enum order: the solution, then failure cases in order
            select: {
              role: true,
              index: true,
              outcome: true,
              returnRepr: true,
              error: true,
              stdout: true,
              stderr: true,
              toolCalls: true,
              messages: true,
              durationMs: true,
              stateDiff: true,
            },
          },
        },
      })
    : null;
  // The JSON columns were written by recordVerdict from checked sandbox replies: their shapes are known.
  const typed = shown && {
    ...shown,
    verifierError: shown.verifierError as CaseError | null,
    cases: shown.cases.map((c) => ({
      ...c,
      error: c.error as StoredCaseErrors | null,
      toolCalls: c.toolCalls as unknown as ToolCall[],
      stateDiff: c.stateDiff as StateDiff | null,
    })),
  };
  return { currentRevisionId: task.currentRevisionId, verdictRunId: task.verdictRunId, runs, shown: typed };
}
