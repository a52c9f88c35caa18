// Saving an edit always makes a new revision (nothing is overwritten) and queues a filter rerun. An
// edit based on a revision that is no longer current is a conflict: the caller gets both versions.
import { taskContentSchema, type TaskContent } from "@/lib/cat";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { requestRerun } from "../filter/request-rerun";
import { hashTaskContent, REVISION_CONTENT, searchTextOf } from "../tasks/task-content";
import { SUPERSEDE_REVIEW } from "./review-state";

export interface ConflictDetails {
  baseRevisionId: number;
  current: { id: number; number: number; author: string; createdAt: string } & TaskContent;
}

export async function saveTaskRevision({
  db,
  taskId,
  baseRevisionId,
  content,
  userId,
  note,
}: {
  db: Db;
  taskId: number;
  baseRevisionId: number;
  content: TaskContent;
  userId: number;
  note?: string;
}) {
  const parsed = taskContentSchema.safeParse(content);
  if (!parsed.success) throw new AppError("BAD_INPUT", parsed.error.issues.map((i) => i.message).join(" "));
  const c = parsed.data;
  const author = userId;
  const saved = await db.prisma.$transaction(async (tx) => {
    // Lock the task row: two saves on the same base cannot both win.
    await tx.$queryRaw`select id from tasks where id = ${taskId}::int for update`;
    const task = await tx.task.findUnique({
      where: { id: taskId },
      select: {
        revisionCount: true,
        currentRevision: {
          select: { ...REVISION_CONTENT, metadata: true },
        },
      },
    });
    if (!task?.currentRevision) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
    const cur = task.currentRevision;
    if (cur.id !== baseRevisionId) {
      const details: ConflictDetails = {
        baseRevisionId,
        current: {
          id: cur.id,
          number: cur.number,
          author: cur.author.name,
          createdAt: cur.createdAt.toISOString(),
          instruction: cur.instruction,
          verifier: cur.verifier,
          solution: cur.solution,
          failureCases: cur.failureCases,
        },
      };
      throw new AppError(
        "CONFLICT",
        `Revision ${cur.number} by ${cur.author.name} was saved after the one you edited. Your edit is kept: compare, then save again on top of it.`,
        details,
      );
    }
    const hash = hashTaskContent(c, cur.metadata);
    const unchanged =
      cur.instruction === c.instruction &&
      cur.verifier === c.verifier &&
      cur.solution === c.solution &&
      JSON.stringify(cur.failureCases) === JSON.stringify(c.failureCases);
    if (unchanged)
      throw new AppError("BAD_INPUT", "Nothing changed since the current revision: there is nothing to save.");
    const rev = await tx.taskRevision.create({
      data: {
        taskId,
        number: task.revisionCount + 1,
        instruction: c.instruction,
        verifier: c.verifier,
        solution: c.solution,
        failureCases: c.failureCases,
        metadata: cur.metadata ?? undefined,
        contentHash: hash,
        searchText: searchTextOf(c),
        source: "edit",
        authorId: author,
        parentRevisionId: cur.id,
      },
      select: { id: true, number: true },
    });
    // The verdict and the review were about the previous revision: pending and unreviewed again.
    await tx.$executeRaw`
      update tasks set current_revision_id = ${rev.id}::int, revision_count = ${rev.number}::int, verdict_status = 'pending', verdict_reason = null,
             edited_by_human = true, ${SUPERSEDE_REVIEW}, updated_at = now()
      where id = ${taskId}::int`;
    await tx.reviewEvent.create({
      data: { taskId, revisionId: rev.id, userId: author, kind: "revision", body: note?.slice(0, 2000) || null },
    });
    return rev;
  });
  const { rerunId } = await requestRerun({
    db,
    userId: author,
    taskIds: [taskId],
    scope: `edit of task #${taskId} (revision ${saved.number})`,
    interactive: true,
  });
  return { revisionId: saved.id, number: saved.number, rerunId };
}
