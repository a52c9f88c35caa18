// Review decisions, labels and comments. Every change is a review event with its author and time.
import type { Db } from "../db/client";
import type { ReviewStatus } from "../db/generated/enums";
import { AppError } from "../errors";
import { resolveSelection, type TaskSelection } from "./task-selection";

export async function setReviewStatus({ db, selection, status, userId }: { db: Db; selection: TaskSelection; status: ReviewStatus; userId?: number }) {
  const ids = await resolveSelection(db, selection);
  const author = userId ?? db.defaultUserId;
  return db.prisma.$transaction(
    async (tx) => {
      const changed = await tx.$queryRaw<Array<{ id: number; from: ReviewStatus; revision: number | null }>>`
        update tasks t set review_status = ${status}::"ReviewStatus", updated_at = now()
        from (select id, review_status, current_revision_id from tasks where id = any(${ids}::int[]) and review_status <> ${status}::"ReviewStatus" for update) old
        where t.id = old.id
        returning t.id, old.review_status as "from", old.current_revision_id as revision`;
      if (changed.length) {
        await tx.reviewEvent.createMany({ data: changed.map((c) => ({ taskId: c.id, revisionId: c.revision, userId: author, kind: "status" as const, fromStatus: c.from, toStatus: status })) });
      }
      return { matched: ids.length, changed: changed.length };
    },
    { timeout: 120_000 },
  );
}

const LABEL_NAME = /^[\p{L}\p{N} _.,'()/+-]{1,60}$/u;
const COLOR = /^#[0-9a-f]{6}$/i;

export async function listLabels({ db }: { db: Db }) {
  const labels = await db.prisma.label.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, description: true, color: true, _count: { select: { tasks: true } } } });
  return labels.map(({ _count, ...l }) => ({ ...l, taskCount: _count.tasks }));
}

export async function createLabel({ db, name, description, color }: { db: Db; name: string; description?: string; color?: string }) {
  const n = name.trim();
  // Names are shown everywhere: keep them to plain text (markup would display literally anyway).
  if (!LABEL_NAME.test(n)) throw new AppError("BAD_INPUT", "A label name is 1-60 letters, digits, spaces or . , ' ( ) / + - _ characters.");
  if (color && !COLOR.test(color)) throw new AppError("BAD_INPUT", "A label color is #rrggbb.");
  if (await db.prisma.label.findUnique({ where: { name: n }, select: { id: true } })) throw new AppError("CONFLICT", `A label named '${n}' exists already.`);
  return db.prisma.label.create({ data: { name: n, description: description?.trim().slice(0, 300) || null, color: color ?? null }, select: { id: true, name: true, description: true, color: true } });
}

export async function deleteLabel({ db, labelId }: { db: Db; labelId: number }) {
  const { count } = await db.prisma.label.deleteMany({ where: { id: labelId } });
  if (!count) throw new AppError("NOT_FOUND", `Label ${labelId} does not exist.`);
  return { deleted: true };
}

export async function setTaskLabel({ db, selection, labelId, on, userId }: { db: Db; selection: TaskSelection; labelId: number; on: boolean; userId?: number }) {
  const label = await db.prisma.label.findUnique({ where: { id: labelId }, select: { id: true } });
  if (!label) throw new AppError("NOT_FOUND", `Label ${labelId} does not exist.`);
  const ids = await resolveSelection(db, selection);
  const author = userId ?? db.defaultUserId;
  return db.prisma.$transaction(
    async (tx) => {
      const changed = on
        ? await tx.$queryRaw<Array<{ task_id: number }>>`
            insert into task_labels (task_id, label_id, user_id, created_at) select id, ${labelId}::int, ${author}::int, now() from unnest(${ids}::int[]) as id
            on conflict do nothing returning task_id`
        : await tx.$queryRaw<Array<{ task_id: number }>>`delete from task_labels where label_id = ${labelId}::int and task_id = any(${ids}::int[]) returning task_id`;
      if (changed.length) {
        await tx.reviewEvent.createMany({ data: changed.map((c) => ({ taskId: c.task_id, userId: author, kind: on ? ("label_added" as const) : ("label_removed" as const), labelId })) });
      }
      return { matched: ids.length, changed: changed.length };
    },
    { timeout: 120_000 },
  );
}

export async function addComment({ db, taskId, body, userId }: { db: Db; taskId: number; body: string; userId?: number }) {
  const text = body.trim();
  if (!text) throw new AppError("BAD_INPUT", "The comment is empty.");
  if (text.length > 10_000) throw new AppError("BAD_INPUT", "A comment is at most 10,000 characters.");
  if (text.includes("\u0000")) throw new AppError("BAD_INPUT", "The comment contains a NUL character.");
  return db.prisma.$transaction(async (tx) => {
    const task = await tx.task.update({ where: { id: taskId }, data: { commentCount: { increment: 1 } }, select: { currentRevisionId: true } }).catch(() => null);
    if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
    return tx.reviewEvent.create({ data: { taskId, revisionId: task.currentRevisionId, userId: userId ?? db.defaultUserId, kind: "comment", body: text }, select: { id: true, createdAt: true } });
  });
}
