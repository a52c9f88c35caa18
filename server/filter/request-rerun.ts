// Requests the CaT filter over a set of tasks: one rerun row, one queued filter run per task (against
// the environment's active pack), one job per run. Thousands of tasks take one INSERT … SELECT.
import type { TaskQuery } from "@/lib/task-query";
import { queryRows, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { notifyWorkers } from "../jobs/queue";
import { taskQuerySql, taskSearchCte } from "../tasks/task-query-sql";

export interface RequestRerunOptions {
  db: Db;
  userId?: number;
  /** Task ids (internal) or, alternatively, a list filter. */
  taskIds?: number[];
  filter?: TaskQuery;
  /** External task ids, as the CLI takes them. */
  externalIds?: string[];
  /** The tasks whose current revision this import wrote. */
  importId?: number;
  /** How the request reads in the UI ("task retail-0001", "filter environment=retail"). */
  scope?: string;
  /** Someone is waiting for this (an edit's run): it goes ahead of the queued bulk reruns. */
  interactive?: boolean;
}

/** Runs queued per statement: a million-task rerun never holds one transaction for its whole length. */
const CHUNK = 50_000;
/** Interactive runs (an edit's run) take priorities from here up, ahead of every bulk rerun. */
const INTERACTIVE = 2n ** 50n;

function describeScope(opts: RequestRerunOptions): string {
  if (opts.scope) return opts.scope;
  if (opts.taskIds)
    return opts.taskIds.length === 1 ? `task #${opts.taskIds[0]}` : `${opts.taskIds.length} selected tasks`;
  if (opts.externalIds)
    return `tasks ${opts.externalIds.slice(0, 3).join(", ")}${opts.externalIds.length > 3 ? "…" : ""}`;
  const parts = Object.entries(opts.filter ?? {})
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(" ") : "all tasks";
}

export async function requestRerun(opts: RequestRerunOptions): Promise<{ rerunId: number; taskCount: number }> {
  const { db } = opts;
  const userId = opts.userId ?? db.defaultUserId;
  let where: Prisma.Sql;
  let cte: Prisma.Sql = Prisma.empty;
  if (opts.taskIds) {
    if (!opts.taskIds.length) throw new AppError("BAD_INPUT", "No tasks to run.");
    where = Prisma.sql`t.id = any(${opts.taskIds}::int[])`;
  } else if (opts.importId !== undefined) {
    where = Prisma.sql`r.import_id = ${opts.importId}::int`;
  } else if (opts.externalIds) {
    if (!opts.externalIds.length) throw new AppError("BAD_INPUT", "No tasks to run.");
    where = Prisma.sql`t.external_id = any(${opts.externalIds}::text[])`;
  } else {
    const filter = opts.filter ?? {};
    where = taskQuerySql(filter);
    cte = taskSearchCte(filter);
  }

  // Through pg (queryRows), as `filter --wait` calls this before its first verdict.
  const [rerun] = await queryRows<{ id: number }>(
    db,
    Prisma.sql`insert into reruns (scope, task_count, requested_by_id) values (${describeScope(opts)}, 0, ${userId}::int) returning id`,
  );
  // Priorities make reruns interleave (start-time fair queuing): the k-th run of a new rerun gets
  // the priority of the queue's head minus k, so it alternates with the k-th run still waiting in
  // every earlier rerun instead of waiting behind all of them. Interactive runs (an edit's run) go
  // ahead of every bulk rerun, in the order they were asked for.
  const [head] = await queryRows<{ p: string }>(
    db,
    Prisma.sql`select coalesce(max(priority), 0)::text as p from filter_runs where status = 'queued' and priority < ${INTERACTIVE}`,
  );
  const base = opts.interactive ? INTERACTIVE : BigInt(head!.p);
  // Chunks in task id order, each its own statement: the runs of the first chunk can be claimed
  // while the next is inserted, and nothing waits on one long transaction.
  let after = 0;
  let taskCount = 0;
  for (;;) {
    const [chunk] = await queryRows<{ n: number; last: number | null }>(
      db,
      Prisma.sql`
      ${cte.sql ? Prisma.sql`${cte},` : Prisma.sql`with`} inserted as (
        insert into filter_runs (task_id, revision_id, rerun_id, pack_id, requested_by_id, status, priority, created_at)
        select t.id, t.current_revision_id, ${rerun!.id}::int,
               (select e.active_pack_id from environments e where e.id = t.environment_id),
               ${userId}::int, 'queued', ${base}::bigint + 1 - ${taskCount}::bigint - row_number() over (order by t.id), now()
        from tasks t
        left join task_revisions r on r.id = t.current_revision_id
        where ${where} and t.current_revision_id is not null and t.id > ${after}::int
        order by t.id
        limit ${CHUNK}
        returning task_id)
      select count(*)::int as n, max(task_id) as last from inserted`,
    );
    const n = chunk?.n ?? 0;
    if (!n) break;
    taskCount += n;
    after = chunk!.last!;
    await queryRows(db, Prisma.sql`update reruns set task_count = ${taskCount}::int where id = ${rerun!.id}::int`);
    // After each commit, so a woken worker can see the rows; one that misses it finds them by polling.
    await notifyWorkers(db, "filter_runs");
    if (n < CHUNK) break;
  }
  if (!taskCount) {
    await queryRows(db, Prisma.sql`delete from reruns where id = ${rerun!.id}::int`);
    throw new AppError("NOT_FOUND", "No task matches: nothing to run.");
  }
  return { rerunId: rerun!.id, taskCount };
}

export async function cancelRerun({ db, rerunId }: { db: Db; rerunId: number }): Promise<{ cancelled: number }> {
  const rerun = await db.prisma.rerun.findUnique({ where: { id: rerunId }, select: { id: true } });
  if (!rerun) throw new AppError("NOT_FOUND", `Rerun ${rerunId} does not exist.`);
  await db.prisma.rerun.update({ where: { id: rerunId }, data: { cancelledAt: new Date() } });
  // Queued runs stop now; a run already in the sandbox finishes (its verdict is still true).
  const { count } = await db.prisma.filterRun.updateMany({
    where: { rerunId, status: "queued" },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  return { cancelled: count };
}
