// One reviewer's decision on one task, as the REST API and the CLI make it: the decision words
// scripts use (approve, reject, needs_edit), the override reason, and the state it left.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { setReviewStatus } from "./review-tasks";

const DECISION_STATUS = { approve: "approved", reject: "rejected", needs_edit: "needs_edit" } as const;
export type Decision = keyof typeof DECISION_STATUS;

/** `adjudicate`: a curator settles a disagreement; the decision then stands for the review policy. */
export async function decideTask({
  db,
  taskId,
  decision,
  reason,
  userId,
  adjudicate = false,
}: {
  db: Db;
  taskId: number;
  decision: Decision;
  reason?: string;
  userId: number;
  adjudicate?: boolean;
}) {
  const status = DECISION_STATUS[decision];
  if (!(await db.prisma.task.findUnique({ where: { id: taskId }, select: { id: true } })))
    throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  if (reason !== undefined && status !== "approved")
    throw new AppError(
      "BAD_INPUT",
      "reason: only an approval overrides the filter's verdict, so only an approval takes a reason.",
    );
  // Approving with a reason is an override only where one is needed: the reason is kept either way.
  const r = await setReviewStatus({
    db,
    selection: { taskIds: [taskId] },
    status,
    override: reason === undefined ? undefined : { reason },
    userId,
    adjudicate,
  });
  const t = await db.prisma.task.findUniqueOrThrow({
    where: { id: taskId },
    select: {
      id: true,
      externalId: true,
      reviewStatus: true,
      revisionCount: true,
      reviewOverride: true,
      environment: { select: { name: true } },
    },
  });
  return {
    taskId: t.id,
    externalId: t.externalId,
    environment: t.environment.name,
    status: t.reviewStatus,
    revision: t.revisionCount,
    override: t.reviewOverride ? { reason: t.reviewOverride } : null,
    changed: r.changed > 0,
  };
}
