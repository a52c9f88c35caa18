// Several reviewers per task: a review policy per dataset or batch ("2 approvals, no rejection",
// blind or not), assignment of tasks to reviewers (by hand or round-robin), each reviewer's queue,
// each reviewer's decisions (hidden from the others in blind mode until they decide themselves),
// and the disagreements a curator adjudicates. Publishing applies the policy (review-state.ts).
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { findDataset } from "../datasets/datasets";
import { resolveSelection, type TaskSelection } from "./task-selection";
import type { Role } from "../auth/roles";

export interface PolicyScope {
  dataset?: string;
  batch?: string;
}

async function scopeIds(
  db: Db,
  scope: PolicyScope,
): Promise<{ datasetId: number | null; batchId: number | null; label: string }> {
  if ((scope.dataset === undefined) === (scope.batch === undefined))
    throw new AppError("BAD_INPUT", "A review policy is for one dataset or one batch: give either dataset or batch.");
  if (scope.dataset !== undefined)
    return { datasetId: (await findDataset(db, scope.dataset)).id, batchId: null, label: `dataset '${scope.dataset}'` };
  const b = await db.prisma.importBatch.findUnique({ where: { name: scope.batch! }, select: { id: true } });
  if (!b) throw new AppError("NOT_FOUND", `No batch named '${scope.batch}'.`);
  return { datasetId: null, batchId: b.id, label: `batch '${scope.batch}'` };
}

const POLICY_SQL = Prisma.sql`
  select p.id, d.name as dataset, b.name as batch, p.approvals, p.no_rejection as "noRejection", p.blind, p.reviewers_per_task as "reviewersPerTask",
         u.name as "updatedBy", p.updated_at as "updatedAt"
  from review_policies p
  left join datasets d on d.id = p.dataset_id
  left join import_batches b on b.id = p.batch_id
  join users u on u.id = p.updated_by_id`;

export interface ReviewPolicyView {
  id: number;
  dataset: string | null;
  batch: string | null;
  approvals: number;
  noRejection: boolean;
  blind: boolean;
  reviewersPerTask: number;
  updatedBy: string;
  updatedAt: Date;
}

export async function listReviewPolicies({ db }: { db: Db }): Promise<ReviewPolicyView[]> {
  return db.prisma.$queryRaw<ReviewPolicyView[]>`${POLICY_SQL} order by coalesce(d.name, b.name)`;
}

/** Sets (creates or replaces) the policy of a dataset or a batch. */
export async function setReviewPolicy({
  db,
  userId,
  approvals,
  noRejection = true,
  blind = false,
  reviewersPerTask,
  ...scope
}: PolicyScope & {
  db: Db;
  userId: number;
  approvals: number;
  noRejection?: boolean;
  blind?: boolean;
  reviewersPerTask?: number;
}): Promise<ReviewPolicyView> {
  const { datasetId, batchId } = await scopeIds(db, scope);
  const perTask = reviewersPerTask ?? approvals;
  if (perTask < approvals)
    throw new AppError("BAD_INPUT", `reviewersPerTask: ${perTask} reviewers cannot give ${approvals} approvals.`);
  const conflict = datasetId !== null ? Prisma.sql`(dataset_id)` : Prisma.sql`(batch_id)`;
  const [row] = await db.prisma.$queryRaw<Array<{ id: number }>>`
    insert into review_policies (dataset_id, batch_id, approvals, no_rejection, blind, reviewers_per_task, updated_by_id, created_at, updated_at)
    values (${datasetId}::int, ${batchId}::int, ${approvals}::int, ${noRejection}, ${blind}, ${perTask}::int, ${userId}::int, now(), now())
    on conflict ${conflict} do update set approvals = excluded.approvals, no_rejection = excluded.no_rejection, blind = excluded.blind,
      reviewers_per_task = excluded.reviewers_per_task, updated_by_id = excluded.updated_by_id, updated_at = now()
    returning id`;
  const [view] = await db.prisma.$queryRaw<ReviewPolicyView[]>`${POLICY_SQL} where p.id = ${row!.id}::int`;
  return view!;
}

export async function clearReviewPolicy({ db, ...scope }: PolicyScope & { db: Db }) {
  const { datasetId, batchId, label } = await scopeIds(db, scope);
  const removed = await db.prisma
    .$executeRaw`delete from review_policies where dataset_id is not distinct from ${datasetId}::int and batch_id is not distinct from ${batchId}::int`;
  if (!removed) throw new AppError("NOT_FOUND", `The ${label} has no review policy.`);
  return { removed: true };
}

/** People who can review (reviewer role or above), for assignment. */
export async function listReviewers({ db }: { db: Db }) {
  const users = await db.prisma.user.findMany({
    where: { role: { in: ["reviewer", "curator", "admin"] }, disabledAt: null },
    orderBy: { id: "asc" },
    select: { id: true, email: true, name: true, role: true },
  });
  return users;
}

/**
 * Assigns the selected tasks to reviewers. "each": every task to every reviewer named (by hand).
 * "round_robin": each task to `perTask` of them in turn, so the work spreads evenly (a reviewer who
 * already has a task counts towards its `perTask`).
 */
export async function assignReviewers({
  db,
  selection,
  reviewerIds,
  mode,
  perTask,
  userId,
}: {
  db: Db;
  selection: TaskSelection;
  reviewerIds: number[];
  mode: "each" | "round_robin";
  perTask?: number;
  userId: number;
}) {
  const reviewers = [...new Set(reviewerIds)];
  const found = await db.prisma.user.findMany({
    where: { id: { in: reviewers }, role: { in: ["reviewer", "curator", "admin"] }, disabledAt: null },
    select: { id: true },
  });
  const missing = reviewers.filter((r) => !found.some((f) => f.id === r));
  if (missing.length)
    throw new AppError(
      "BAD_INPUT",
      `reviewerIds: ${missing.join(", ")} ${missing.length === 1 ? "is not an active reviewer" : "are not active reviewers"}.`,
    );
  const taskIds = (await resolveSelection(db, selection)).sort((a, b) => a - b);
  const n = mode === "each" ? reviewers.length : (perTask ?? 1);
  if (n > reviewers.length)
    throw new AppError("BAD_INPUT", `perTask: ${n} reviewers per task, but only ${reviewers.length} named.`);
  const existing = await db.prisma.reviewAssignment.findMany({
    where: { taskId: { in: taskIds } },
    select: { taskId: true, userId: true },
  });
  const has = new Set(existing.map((e) => `${e.taskId}:${e.userId}`));
  const pairs: Array<[number, number]> = [];
  let turn = 0;
  for (const taskId of taskIds) {
    const already = reviewers.filter((r) => has.has(`${taskId}:${r}`)).length;
    let wanted = n - already;
    for (let tried = 0; wanted > 0 && tried < reviewers.length; tried++) {
      const r = reviewers[turn % reviewers.length]!;
      turn++;
      if (has.has(`${taskId}:${r}`)) continue;
      pairs.push([taskId, r]);
      has.add(`${taskId}:${r}`);
      wanted--;
    }
  }
  if (pairs.length) {
    await db.prisma.$executeRaw`
      insert into review_assignments (task_id, user_id, assigned_by_id, created_at)
      select k.task_id, k.user_id, ${userId}::int, now() from unnest(${pairs.map((p) => p[0])}::int[], ${pairs.map((p) => p[1])}::int[]) as k(task_id, user_id)
      on conflict do nothing`;
  }
  const perReviewer = Object.fromEntries(reviewers.map((r) => [r, pairs.filter((p) => p[1] === r).length]));
  return { tasks: taskIds.length, assigned: pairs.length, perReviewer };
}

export async function unassignReviewers({
  db,
  selection,
  reviewerIds,
}: {
  db: Db;
  selection: TaskSelection;
  reviewerIds?: number[];
}) {
  const taskIds = await resolveSelection(db, selection);
  const { count } = await db.prisma.reviewAssignment.deleteMany({
    where: { taskId: { in: taskIds }, ...(reviewerIds ? { userId: { in: reviewerIds } } : {}) },
  });
  return { removed: count };
}

/**
 * A reviewer's queue: the tasks assigned to them that still wait for their decision on the current
 * revision ("n of N left": `left` of `total` assigned), oldest assignment first.
 */
export async function getMyQueue({ db, userId, limit = 50 }: { db: Db; userId: number; limit?: number }) {
  const [counts] = await db.prisma.$queryRaw<Array<{ total: number; left: number }>>`
    select count(*)::int as total,
           count(*) filter (where not exists (
             select 1 from review_decisions d where d.task_id = a.task_id and d.user_id = a.user_id and d.revision_id = t.current_revision_id and not d.adjudication))::int as left
    from review_assignments a join tasks t on t.id = a.task_id
    where a.user_id = ${userId}::int`;
  const items = await db.prisma.$queryRaw<
    Array<{
      id: number;
      externalId: string;
      environment: string;
      instruction: string;
      verdictStatus: string;
      revisionCount: number;
      assignedAt: Date;
    }>
  >`
    select t.id, t.external_id as "externalId", e.name as environment, left(r.instruction, 300) as instruction, t.verdict_status::text as "verdictStatus",
           t.revision_count as "revisionCount", a.created_at as "assignedAt"
    from review_assignments a
    join tasks t on t.id = a.task_id
    join environments e on e.id = t.environment_id
    left join task_revisions r on r.id = t.current_revision_id
    where a.user_id = ${userId}::int
      and not exists (select 1 from review_decisions d where d.task_id = a.task_id and d.user_id = a.user_id and d.revision_id = t.current_revision_id and not d.adjudication)
    order by a.created_at, t.id
    limit ${limit}::int`;
  return { left: counts?.left ?? 0, total: counts?.total ?? 0, items };
}

/** Whether a blind policy covers the task: one of its batches', or one of the datasets it is in. */
async function isBlind(db: Db, taskId: number): Promise<boolean> {
  const [row] = await db.prisma.$queryRaw<Array<{ blind: boolean }>>`
    select exists (
      select 1 from review_policies p
      where p.blind and (p.batch_id in (select batch_id from task_batches where task_id = ${taskId}::int)
                         or p.dataset_id in (select dataset_id from dataset_tasks where task_id = ${taskId}::int))) as blind`;
  return row?.blind ?? false;
}

/**
 * In blind mode a reviewer sees others' decisions on a task only
 * once they have decided on its current revision themselves.
 */
async function hidesOthers(db: Db, taskId: number, viewer: { id: number; role: Role }): Promise<boolean> {
  // Only reviewers are blinded: curators adjudicate, viewers do not decide.
  if (viewer.role !== "reviewer") return false;
  if (!(await isBlind(db, taskId))) return false;
  const mine = await db.prisma.$queryRaw<Array<{ n: number }>>`
    select count(*)::int as n from review_decisions d join tasks t on t.id = d.task_id
    where d.task_id = ${taskId}::int and d.user_id = ${viewer.id}::int and d.revision_id = t.current_revision_id`;
  return (mine[0]?.n ?? 0) === 0;
}

/** Each reviewer's decision on the task's current revision (only yours, while blind mode hides the others). */
export async function getTaskDecisions({
  db,
  taskId,
  viewer,
}: {
  db: Db;
  taskId: number;
  viewer: { id: number; role: Role };
}) {
  const task = await db.prisma.task.findUnique({
    where: { id: taskId },
    select: { currentRevisionId: true, revisionCount: true },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const hidden = await hidesOthers(db, taskId, viewer);
  const rows = await db.prisma.$queryRaw<
    Array<{
      userId: number;
      name: string;
      decision: string;
      overrideReason: string | null;
      adjudication: boolean;
      at: Date;
    }>
  >`
    select d.user_id as "userId", u.name, d.decision::text as decision, d.override_reason as "overrideReason", d.adjudication, d.updated_at as at
    from review_decisions d join users u on u.id = d.user_id
    where d.task_id = ${taskId}::int and d.revision_id = ${task.currentRevisionId}::int ${hidden ? Prisma.sql`and d.user_id = ${viewer.id}::int` : Prisma.empty}
    order by d.adjudication desc, d.updated_at`;
  const assigned = await db.prisma.reviewAssignment.count({ where: { taskId } });
  return { revision: task.revisionCount, blind: hidden, assigned, decisions: rows };
}

/** The tasks of a scope (a dataset's working set, a batch, or everything). */
export function scopeSql(scope: PolicyScope): Prisma.Sql {
  if (scope.dataset !== undefined)
    return Prisma.sql`t.id in (select dt.task_id from dataset_tasks dt join datasets ds on ds.id = dt.dataset_id where ds.name = ${scope.dataset})`;
  if (scope.batch !== undefined)
    return Prisma.sql`t.id in (select tb.task_id from task_batches tb join import_batches b on b.id = tb.batch_id where b.name = ${scope.batch})`;
  return Prisma.sql`true`;
}

/**
 * Tasks whose reviewers disagree on the current revision (two or more different decisions) and that
 * no curator has adjudicated yet, with every decision: what a curator settles.
 */
export async function listDisagreements({ db, limit = 200, ...scope }: PolicyScope & { db: Db; limit?: number }) {
  const rows = await db.prisma.$queryRaw<
    Array<{
      id: number;
      externalId: string;
      environment: string;
      revision: number;
      decisions: Array<{ userId: number; name: string; decision: string; reason: string | null }>;
    }>
  >`
    select t.id, t.external_id as "externalId", e.name as environment, t.revision_count as revision,
           jsonb_agg(jsonb_build_object('userId', d.user_id, 'name', u.name, 'decision', d.decision, 'reason', d.override_reason) order by d.updated_at) as decisions
    from tasks t
    join environments e on e.id = t.environment_id
    join review_decisions d on d.task_id = t.id and d.revision_id = t.current_revision_id and not d.adjudication
    join users u on u.id = d.user_id
    where ${scopeSql(scope)}
      and not exists (select 1 from review_decisions a where a.task_id = t.id and a.revision_id = t.current_revision_id and a.adjudication)
    group by t.id, e.name
    having count(distinct d.decision) > 1
    order by t.external_id
    limit ${limit}::int`;
  return rows;
}

/** A task as a reviewer may see it in blind mode: no one's decision but theirs, only their own labels. */
export async function blindTask<
  T extends { id: number; reviewStatus: string; labels: Array<{ label: { id: number } }> },
>(db: Db, task: T, viewer: { id: number; role: Role }): Promise<T & { blind: boolean }> {
  if (!(await hidesOthers(db, task.id, viewer))) return { ...task, blind: false };
  const mine = new Set(
    (
      await db.prisma.labelVote.findMany({ where: { taskId: task.id, userId: viewer.id }, select: { labelId: true } })
    ).map((v) => v.labelId),
  );
  return {
    ...task,
    blind: true,
    reviewStatus: "unreviewed",
    reviewOverride: null,
    reviewRevision: null,
    reviewRun: null,
    reviewStale: false,
    labels: task.labels.filter((l) => mine.has(l.label.id)),
  };
}

/** A task's history as a reviewer may see it in blind mode: others' decisions and labels left out. */
export async function blindHistory<
  T extends { entries: Array<{ kind: string; userId?: number }>; labels: Array<{ id: number }> },
>(db: Db, taskId: number, history: T, viewer: { id: number; role: Role }): Promise<T & { blind: boolean }> {
  if (!(await hidesOthers(db, taskId, viewer))) return { ...history, blind: false };
  const judged = new Set(["status", "label_added", "label_removed"]);
  const mine = new Set(
    (await db.prisma.labelVote.findMany({ where: { taskId, userId: viewer.id }, select: { labelId: true } })).map(
      (v) => v.labelId,
    ),
  );
  return {
    ...history,
    blind: true,
    entries: history.entries.filter((e) => !judged.has(e.kind) || e.userId === viewer.id),
    labels: history.labels.filter((l) => mine.has(l.id)),
  };
}

/**
 * Task list rows as a reviewer may see them: in blind mode, the review status of a task they have
 * not decided on (its current revision) reads "unreviewed". (Facet counts are not blinded.)
 */
export async function blindListItems<T extends { id: number; reviewStatus: string }>(
  db: Db,
  items: T[],
  viewer: { id: number; role: Role },
): Promise<T[]> {
  if (viewer.role !== "reviewer" || !items.length) return items;
  const hidden = await db.prisma.$queryRaw<Array<{ id: number }>>`
    select t.id from tasks t
    where t.id = any(${items.map((i) => i.id)}::int[])
      and exists (select 1 from review_policies p where p.blind
                  and (p.batch_id in (select batch_id from task_batches where task_id = t.id) or p.dataset_id in (select dataset_id from dataset_tasks where task_id = t.id)))
      and not exists (select 1 from review_decisions d where d.task_id = t.id and d.user_id = ${viewer.id}::int and d.revision_id = t.current_revision_id)`;
  if (!hidden.length) return items;
  const ids = new Set(hidden.map((h) => h.id));
  return items.map((i) => (ids.has(i.id) ? { ...i, reviewStatus: "unreviewed" } : i));
}
