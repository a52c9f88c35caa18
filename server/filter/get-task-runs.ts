import type { Db } from "../db/client";
import { AppError } from "../errors";

/** A task's filter runs, newest first, and the full case matrix of one of them (default: the newest). */
export async function getTaskRuns({ db, taskId, runId }: { db: Db; taskId: number; runId?: number }) {
  const task = await db.prisma.task.findUnique({ where: { id: taskId }, select: { id: true, currentRevisionId: true, verdictRunId: true } });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const runs = await db.prisma.filterRun.findMany({
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
    ? await db.prisma.filterRun.findFirst({
        where: { id: shownId, taskId },
        select: {
          id: true,
          status: true,
          verifierError: true,
          cases: {
            orderBy: [{ role: "asc" }, { index: "asc" }], // enum order: the solution, then failure cases in order
            select: { role: true, index: true, outcome: true, returnRepr: true, error: true, stdout: true, stderr: true, toolCalls: true, messages: true, durationMs: true },
          },
        },
      })
    : null;
  return { currentRevisionId: task.currentRevisionId, verdictRunId: task.verdictRunId, runs, shown };
}
