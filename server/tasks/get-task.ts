import type { Db } from "../db/client";
import { AppError } from "../errors";
import { REVISION_CONTENT } from "./task-content";

export async function getTask({ db, id }: { db: Db; id: number }) {
  const task = await db.prisma.task.findUnique({
    where: { id },
    select: {
      id: true,
      externalId: true,
      verdictStatus: true,
      verdictReason: true,
      reviewStatus: true,
      // What the decision stands on (the task page shows "approved on r2, verdict accepted"), and
      // whether a newer revision superseded the last one.
      reviewStale: true,
      reviewOverride: true,
      reviewRevision: { select: { id: true, number: true } },
      reviewRun: { select: { id: true, verdictStatus: true, verdictReason: true, pack: { select: { hash: true } } } },
      revisionCount: true,
      createdAt: true,
      updatedAt: true,
      commentCount: true,
      editedByHuman: true,
      environment: { select: { name: true } },
      revisions: { orderBy: { number: "asc" }, select: { id: true, number: true, source: true } },
      labels: { select: { label: { select: { id: true, name: true, color: true } } } },
      batch: { select: { name: true } },
      batches: { select: { batch: { select: { name: true } } } },
      currentRevision: {
        select: { ...REVISION_CONTENT, metadata: true, source: true },
      },
    },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${id} does not exist.`);
  return task;
}

/**
 * A task by its external id (what files, the CLI and the API use), within an environment when
 * given. The same id in two environments is ambiguous without one, and says so.
 */
export async function findTaskByRef({
  db,
  externalId,
  environment,
}: {
  db: Db;
  externalId: string;
  environment?: string;
}): Promise<{ id: number; environment: string }> {
  const rows = await db.prisma.task.findMany({
    where: { externalId, ...(environment ? { environment: { name: environment } } : {}) },
    select: { id: true, environment: { select: { name: true } } },
    take: 5,
  });
  if (!rows.length)
    throw new AppError("NOT_FOUND", `No task '${externalId}'${environment ? ` in environment '${environment}'` : ""}.`);
  if (rows.length > 1)
    throw new AppError(
      "BAD_INPUT",
      `Task id '${externalId}' exists in several environments (${rows.map((r) => r.environment.name).join(", ")}): name one with --env.`,
    );
  return { id: rows[0]!.id, environment: rows[0]!.environment.name };
}
