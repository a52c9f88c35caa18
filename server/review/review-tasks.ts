// Review decisions, labels and comments. Every change is a review event with its author and time.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { ReviewStatus } from "../db/generated/enums";
import { AppError } from "../errors";
import { type ApprovalBlock, approvalBlockText } from "@/lib/review";
import { APPROVAL_BLOCK_SQL, VERDICT_JOINS } from "./review-state";
import { resolveSelection, type TaskSelection } from "./task-selection";

export interface RefusedApproval {
  id: number;
  externalId: string;
  revision: number;
  block: ApprovalBlock;
  message: string;
}

/**
 * Records a review decision on each selected task's current revision (and the verdict run it was
 * made on). Approval is evidence that the filter accepted this revision: a task that is not
 * accepted on its current revision (rejected, not run, run on an older pack) is approved only with
 * an override reason. Without one, a single task is refused with the reason; a bulk selection
 * approves the tasks that qualify and reports the others.
 */
export async function setReviewStatus({
  db,
  selection,
  status,
  override,
  userId,
  adjudicate = false,
}: {
  db: Db;
  selection: TaskSelection;
  status: ReviewStatus;
  override?: { reason: string };
  /** Who decides: every decision is attributed (no default user). */
  userId: number;
  /** A curator settling a disagreement: the decision stands for the review policy (review-policy.ts). */
  adjudicate?: boolean;
}) {
  const ids = await resolveSelection(db, selection);
  const author = userId;
  const reason = override?.reason.trim();
  if (override && !reason) throw new AppError("BAD_INPUT", "An override needs a written reason.");
  if (reason && reason.length > 2000)
    throw new AppError("BAD_INPUT", "An override reason is at most 2,000 characters.");
  if (reason && status !== "approved")
    throw new AppError("BAD_INPUT", "Only an approval can override the filter's verdict.");
  return db.prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<
        Array<{
          id: number;
          external_id: string;
          from: ReviewStatus;
          revision_id: number | null;
          revision: number;
          run_id: number | null;
          block: ApprovalBlock | null;
          reviewed_revision: number | null;
          override: string | null;
        }>
      >`
        select t.id, t.external_id, t.review_status as "from", t.current_revision_id as revision_id, t.revision_count as revision,
               case when f.revision_id = t.current_revision_id then f.id end as run_id, ${APPROVAL_BLOCK_SQL} as block,
               t.review_revision_id as reviewed_revision, t.review_override as override
        from tasks t ${VERDICT_JOINS}
        where t.id = any(${ids}::int[]) and t.current_revision_id is not null
        order by t.id
        for update of t`;
      const refused: RefusedApproval[] =
        status === "approved" && !reason
          ? rows
              .filter((r) => r.block)
              .map((r) => ({
                id: r.id,
                externalId: r.external_id,
                revision: r.revision,
                block: r.block!,
                message: `${r.external_id} is ${approvalBlockText(r.block!)} (revision ${r.revision})`,
              }))
          : [];
      if (refused.length && ids.length === 1) {
        throw new AppError(
          "CONFLICT",
          `${refused[0]!.message}: approving it needs an override with a written reason.`,
          { refused },
        );
      }
      const blocked = new Set(refused.map((r) => r.id));
      // Each reviewer's own decision on the revision (several reviewers per task): recorded even when
      // the task's status does not change (a second approval), and what agreement is computed from.
      const deciding = rows.filter((r) => !blocked.has(r.id) && r.revision_id !== null);
      const ownOverride = (r: (typeof rows)[number]) => (status === "approved" && r.block ? reason! : null);
      const decided =
        status === "unreviewed"
          ? await tx.$queryRaw<Array<{ task_id: number }>>`
              delete from review_decisions d using unnest(${deciding.map((r) => r.id)}::int[], ${deciding.map((r) => r.revision_id)}::int[]) as k(task_id, revision_id)
              where d.task_id = k.task_id and d.revision_id = k.revision_id and d.user_id = ${author}::int and d.adjudication = ${adjudicate}
              returning d.task_id`
          : await tx.$queryRaw<Array<{ task_id: number }>>`
              insert into review_decisions (task_id, revision_id, user_id, decision, override_reason, adjudication, created_at, updated_at)
              select k.task_id, k.revision_id, ${author}::int, ${status}::"ReviewStatus", k.reason, ${adjudicate}, now(), now()
              from unnest(${deciding.map((r) => r.id)}::int[], ${deciding.map((r) => r.revision_id)}::int[], ${deciding.map(ownOverride)}::text[]) as k(task_id, revision_id, reason)
              on conflict (task_id, revision_id, user_id, adjudication) do update
                set decision = excluded.decision, override_reason = excluded.override_reason, updated_at = now()
                where review_decisions.decision is distinct from excluded.decision or review_decisions.override_reason is distinct from excluded.override_reason
              returning task_id`;
      const ownChanged = new Set(decided.map((d) => d.task_id));
      const targets = rows.filter((r) => {
        if (blocked.has(r.id)) return false;
        const overrideNow = status === "approved" && r.block ? reason! : null;
        // Unchanged: the same decision on the same revision with the same override.
        return !(r.from === status && r.reviewed_revision === r.revision_id && r.override === overrideNow);
      });
      if (targets.length) {
        const overrides = targets.map((r) => (status === "approved" && r.block ? reason! : null));
        await tx.$executeRaw`
          update tasks t set review_status = ${status}::"ReviewStatus", review_stale = false,
                 review_revision_id = ${status === "unreviewed" ? null : Prisma.sql`t.current_revision_id`},
                 review_run_id = ${status === "unreviewed" ? null : Prisma.sql`k.run_id`},
                 review_override = k.override, updated_at = now()
          from unnest(${targets.map((r) => r.id)}::int[], ${targets.map((r) => r.run_id)}::int[], ${overrides}::text[]) as k(id, run_id, override)
          where t.id = k.id`;
      }
      // One event per task where the status or this reviewer's own decision changed.
      const targetIds = new Set(targets.map((r) => r.id));
      const logged = rows.filter((r) => targetIds.has(r.id) || ownChanged.has(r.id));
      if (logged.length) {
        await tx.reviewEvent.createMany({
          data: logged.map((r) => ({
            taskId: r.id,
            revisionId: r.revision_id,
            runId: r.run_id,
            userId: author,
            kind: "status" as const,
            fromStatus: r.from,
            toStatus: status,
            override: ownOverride(r) !== null,
            body: ownOverride(r),
          })),
        });
      }
      return {
        matched: ids.length,
        changed: targets.length,
        refused: { count: refused.length, tasks: refused.slice(0, 20) },
      };
    },
    { timeout: 120_000 },
  );
}

const LABEL_NAME = /^[\p{L}\p{N} _.,'()/+-]{1,60}$/u;
const COLOR = /^#[0-9a-f]{6}$/i;

export async function listLabels({ db }: { db: Db }) {
  const labels = await db.prisma.label.findMany({
    orderBy: { id: "asc" },
    select: { id: true, name: true, description: true, color: true, _count: { select: { tasks: true } } },
  });
  return labels.map(({ _count, ...l }) => ({ ...l, taskCount: _count.tasks }));
}

export async function createLabel({
  db,
  name,
  description,
  color,
}: {
  db: Db;
  name: string;
  description?: string;
  color?: string;
}) {
  const n = name.trim();
  // Names are shown everywhere: keep them to plain text (markup would display literally anyway).
  if (!LABEL_NAME.test(n))
    throw new AppError("BAD_INPUT", "A label name is 1-60 letters, digits, spaces or . , ' ( ) / + - _ characters.");
  if (color && !COLOR.test(color)) throw new AppError("BAD_INPUT", "A label color is #rrggbb.");
  if (await db.prisma.label.findUnique({ where: { name: n }, select: { id: true } }))
    throw new AppError("CONFLICT", `A label named '${n}' exists already.`);
  return db.prisma.label.create({
    data: { name: n, description: description?.trim().slice(0, 300) || null, color: color ?? null },
    select: { id: true, name: true, description: true, color: true },
  });
}

export async function deleteLabel({ db, labelId }: { db: Db; labelId: number }) {
  const { count } = await db.prisma.label.deleteMany({ where: { id: labelId } });
  if (!count) throw new AppError("NOT_FOUND", `Label ${labelId} does not exist.`);
  return { deleted: true };
}

export async function setTaskLabel({
  db,
  selection,
  labelId,
  on,
  userId,
}: {
  db: Db;
  selection: TaskSelection;
  labelId: number;
  on: boolean;
  userId: number;
}) {
  const label = await db.prisma.label.findUnique({ where: { id: labelId }, select: { id: true } });
  if (!label) throw new AppError("NOT_FOUND", `Label ${labelId} does not exist.`);
  const ids = await resolveSelection(db, selection);
  const author = userId;
  return db.prisma.$transaction(
    async (tx) => {
      const changed = on
        ? await tx.$queryRaw<Array<{ task_id: number }>>`
            insert into task_labels (task_id, label_id, user_id, revision_id, created_at)
            select t.id, ${labelId}::int, ${author}::int, t.current_revision_id, now() from tasks t where t.id = any(${ids}::int[])
            on conflict do nothing returning task_id`
        : await tx.$queryRaw<
            Array<{ task_id: number }>
          >`delete from task_labels where label_id = ${labelId}::int and task_id = any(${ids}::int[]) returning task_id`;
      // This reviewer's own label (label agreement compares them): a second reviewer agreeing with a
      // label already on the task leaves the task unchanged but records their vote.
      const voted = on
        ? await tx.$queryRaw<Array<{ task_id: number }>>`
            insert into label_votes (task_id, label_id, user_id, revision_id, created_at)
            select t.id, ${labelId}::int, ${author}::int, t.current_revision_id, now() from tasks t where t.id = any(${ids}::int[])
            on conflict do nothing returning task_id`
        : await tx.$queryRaw<
            Array<{ task_id: number }>
          >`delete from label_votes where label_id = ${labelId}::int and user_id = ${author}::int and task_id = any(${ids}::int[]) returning task_id`;
      const logged = [...new Set([...changed, ...voted].map((c) => c.task_id))];
      if (logged.length) {
        await tx.reviewEvent.createMany({
          data: logged.map((taskId) => ({
            taskId,
            userId: author,
            kind: on ? ("label_added" as const) : ("label_removed" as const),
            labelId,
          })),
        });
      }
      return { matched: ids.length, changed: changed.length };
    },
    { timeout: 120_000 },
  );
}

export async function addComment({
  db,
  taskId,
  body,
  userId,
}: {
  db: Db;
  taskId: number;
  body: string;
  userId: number;
}) {
  const text = body.trim();
  if (!text) throw new AppError("BAD_INPUT", "The comment is empty.");
  if (text.length > 10_000) throw new AppError("BAD_INPUT", "A comment is at most 10,000 characters.");
  if (text.includes("\u0000")) throw new AppError("BAD_INPUT", "The comment contains a NUL character.");
  return db.prisma.$transaction(async (tx) => {
    const task = await tx.task
      .update({ where: { id: taskId }, data: { commentCount: { increment: 1 } }, select: { currentRevisionId: true } })
      .catch(() => null);
    if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
    return tx.reviewEvent.create({
      data: { taskId, revisionId: task.currentRevisionId, userId, kind: "comment", body: text },
      select: { id: true, createdAt: true },
    });
  });
}
