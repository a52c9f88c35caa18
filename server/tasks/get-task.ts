import type { Db } from "../db/client";
import { AppError } from "../errors";

export async function getTask({ db, id }: { db: Db; id: number }) {
  const task = await db.prisma.task.findUnique({
    where: { id },
    select: {
      id: true,
      externalId: true,
      verdictStatus: true,
      verdictReason: true,
      reviewStatus: true,
      revisionCount: true,
      createdAt: true,
      updatedAt: true,
      commentCount: true,
      editedByHuman: true,
      environment: { select: { name: true } },
      revisions: { orderBy: { number: "asc" }, select: { id: true, number: true, source: true } },
      labels: { select: { label: { select: { id: true, name: true, color: true } } } },
      batch: { select: { name: true } },
      currentRevision: {
        select: {
          id: true,
          number: true,
          instruction: true,
          verifier: true,
          solution: true,
          failureCases: true,
          metadata: true,
          source: true,
          createdAt: true,
          author: { select: { name: true } },
        },
      },
    },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${id} does not exist.`);
  return task;
}
