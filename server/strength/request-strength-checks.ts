// Queues strength checks by hand (the CLI's probe, the API): one row per accepted task of the
// selection, on its current revision and the pack its accepted verdict was computed on. Accepted
// verdicts queue their checks themselves (the strength_checks_enqueue trigger); this is for
// checking again, or for tasks accepted before checks existed.
import type { TaskQuery } from "@/lib/task-query";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { notifyWorkers } from "../jobs/queue";
import { taskQuerySql, taskSearchCte } from "../tasks/task-query-sql";

export interface RequestStrengthOptions {
  db: Db;
  userId?: number;
  taskIds?: number[];
  externalIds?: string[];
  filter?: TaskQuery;
  /** Variants per task (default: the environment's setting, else 24). */
  cap?: number;
}

export interface StrengthRequest {
  /** The checks queued (a task whose check is already queued or running keeps that one). */
  checkIds: number[];
  /** Tasks that match. */
  matched: number;
  /** Matching tasks not checked: not accepted on their current revision, or their environment turned checks off (and no cap was given). */
  skipped: number;
}

export async function requestStrengthChecks(opts: RequestStrengthOptions): Promise<StrengthRequest> {
  const { db } = opts;
  let where: Prisma.Sql;
  let cte: Prisma.Sql = Prisma.empty;
  if (opts.taskIds) where = Prisma.sql`t.id = any(${opts.taskIds}::int[])`;
  else if (opts.externalIds) where = Prisma.sql`t.external_id = any(${opts.externalIds}::text[])`;
  else {
    where = taskQuerySql(opts.filter ?? {});
    cte = taskSearchCte(opts.filter ?? {});
  }
  const userId = opts.userId ?? db.defaultUserId;
  const [row] = await db.prisma.$queryRaw<Array<{ matched: number; ids: number[] | null; existing: number[] | null }>>`
    ${cte.sql ? Prisma.sql`${cte},` : Prisma.sql`with`} matching as (
      select t.id, t.current_revision_id, t.verdict_status, f.pack_id, f.revision_id as verdict_revision_id, e.probe_variants
      from tasks t
      join environments e on e.id = t.environment_id
      left join task_revisions r on r.id = t.current_revision_id
      left join filter_runs f on f.id = t.verdict_run_id
      where ${where} and t.current_revision_id is not null
    ),
    -- an environment with probe_variants = 0 turned checks off, unless this request names a cap
    wanted as (
      select m.* from matching m
      where m.verdict_status = 'accepted' and m.verdict_revision_id = m.current_revision_id
        and (${opts.cap ?? null}::int is not null or coalesce(m.probe_variants, 1) > 0)
    ),
    pending as (
      select distinct on (w.id) w.id as task_id, s.id as check_id from wanted w
      join strength_checks s on s.revision_id = w.current_revision_id and s.pack_id is not distinct from w.pack_id and s.status in ('queued', 'running')
      order by w.id, s.id desc
    ),
    inserted as (
      insert into strength_checks (task_id, revision_id, pack_id, cap, requested_by_id)
      select w.id, w.current_revision_id, w.pack_id, ${opts.cap ?? null}::int, ${userId}::int
      from wanted w where w.id not in (select task_id from pending)
      order by w.id
      returning id
    )
    select (select count(*)::int from matching) as matched,
           (select array_agg(id order by id) from inserted) as ids,
           (select array_agg(check_id order by check_id) from pending) as existing`;
  const checkIds = [...(row?.existing ?? []), ...(row?.ids ?? [])].sort((a, b) => a - b);
  const matched = row?.matched ?? 0;
  if (!matched) throw new AppError("NOT_FOUND", "No task matches: nothing to check.");
  if (row?.ids?.length) await notifyWorkers(db, "strength_checks");
  return { checkIds, matched, skipped: matched - checkIds.length };
}

export interface StrengthProgress {
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
  finished: boolean;
  /** Of the done checks. */
  lenient: number;
  flaky: number;
  unreadWrites: number;
  strong: number;
  variants: number;
  leaks: number;
}

/** Where a set of checks stands: one query over their ids. */
export async function getStrengthProgress({ db, checkIds }: { db: Db; checkIds: number[] }): Promise<StrengthProgress> {
  const [r] = await db.prisma.$queryRaw<Array<Record<keyof Omit<StrengthProgress, "finished">, number>>>`
    select count(*) filter (where status = 'queued')::int as queued, count(*) filter (where status = 'running')::int as running,
           count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'failed')::int as failed,
           count(*) filter (where status = 'cancelled')::int as cancelled,
           count(*) filter (where result = 'lenient')::int as lenient, count(*) filter (where result = 'flaky')::int as flaky,
           count(*) filter (where result = 'unread_writes')::int as "unreadWrites", count(*) filter (where result = 'strong')::int as strong,
           coalesce(sum(variants), 0)::int as variants, coalesce(sum(leaks), 0)::int as leaks
    from strength_checks where id = any(${checkIds}::int[])`;
  const p = r!;
  return { ...p, finished: p.queued + p.running === 0 };
}
