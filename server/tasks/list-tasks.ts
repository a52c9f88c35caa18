// The task list: keyset pagination over (sort column, id), so page 2,000 costs what page 1 costs.
import { taskListInputSchema, type TaskFilter, type TaskListInput } from "@/lib/task-query";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";

export interface TaskListItem {
  id: number;
  externalId: string;
  environment: string;
  batch: string | null;
  verdictStatus: "pending" | "accepted" | "rejected";
  verdictReason: string | null;
  reviewStatus: string;
  revisionCount: number;
  failureCaseCount: number;
  instruction: string;
  createdAt: string;
  updatedAt: string;
}

const SORT_COLUMN = {
  created: Prisma.raw("t.created_at"),
  updated: Prisma.raw("t.updated_at"),
  externalId: Prisma.raw("t.external_id"),
} as const;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How a text search is evaluated. A list page wants the first 50 matches in sort order:
 * - "scan" walks the list in sort order and tests each instruction: fast when matches are common;
 * - "index" first collects every match through the trigram index: fast when matches are rare.
 * listTasks tries a bounded scan first and falls back to the index; counts always use the index.
 */
type SearchPlan = "scan" | "index";

/** SQL conditions for a filter over `tasks t` (and `task_revisions r` for short searches). */
export function taskFilterSql(f: TaskFilter, plan: SearchPlan = "index"): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`true`];
  // By id through a sub-select, so counting needs no join to the environment and batch tables.
  if (f.environment) parts.push(Prisma.sql`t.environment_id in (select id from environments where name = ${f.environment})`);
  // A task belongs to every batch whose import created or revised it.
  if (f.batch) parts.push(Prisma.sql`t.id in (select tb.task_id from task_batches tb join import_batches b on b.id = tb.batch_id where b.name = ${f.batch})`);
  if (f.dataset) parts.push(Prisma.sql`t.id in (select dt.task_id from dataset_tasks dt join datasets d on d.id = dt.dataset_id where d.name = ${f.dataset})`);
  if (f.verdict) parts.push(Prisma.sql`t.verdict_status = ${f.verdict}::"VerdictStatus"`);
  if (f.reason) parts.push(Prisma.sql`t.verdict_reason = ${f.reason}::"RejectReason"`);
  if (f.review) parts.push(Prisma.sql`t.review_status = ${f.review}::"ReviewStatus"`);
  if (f.label) parts.push(Prisma.sql`exists (select 1 from task_labels tl join labels l on l.id = tl.label_id where tl.task_id = t.id and l.name = ${f.label})`);
  if (f.comments) parts.push(f.comments === "yes" ? Prisma.sql`t.comment_count > 0` : Prisma.sql`t.comment_count = 0`);
  if (f.edited) parts.push(f.edited === "yes" ? Prisma.sql`t.edited_by_human` : Prisma.sql`not t.edited_by_human`);
  if (f.stale) parts.push(f.stale === "yes" ? Prisma.sql`t.review_stale` : Prisma.sql`not t.review_stale`);
  if (f.override) parts.push(f.override === "yes" ? Prisma.sql`t.review_override is not null` : Prisma.sql`t.review_override is null`);
  if (f.edit) {
    const [before, now] = f.edit === "rescued" ? ["rejected", "accepted"] : ["accepted", "rejected"];
    parts.push(Prisma.sql`(t.edited_by_human and t.verdict_status = ${now}::"VerdictStatus" and (
      select f.verdict_status from filter_runs f join task_revisions ir on ir.id = f.revision_id
      where f.task_id = t.id and f.status = 'done' and ir.source = 'import' order by f.id desc limit 1) = ${before}::"VerdictStatus")`);
  }
  const q = f.q?.trim();
  if (q) {
    parts.push(
      plan === "index" && q.length >= 3
        ? Prisma.sql`(t.current_revision_id in (select id from matching_revisions) or t.external_id = ${q})`
        : Prisma.sql`(r.search_text ilike ${`%${escapeLike(q)}%`} or t.external_id = ${q})`,
    );
  }
  return Prisma.join(parts, " and ");
}

/** The CTE the "index" plan refers to (trigrams need 3 characters; shorter terms always scan). */
export function taskSearchCte(f: TaskFilter, plan: SearchPlan = "index"): Prisma.Sql {
  const q = f.q?.trim();
  if (!q || q.length < 3 || plan !== "index") return Prisma.empty;
  // Materialised so the planner cannot fold it back into an ordered walk of the whole table.
  return Prisma.sql`with matching_revisions as materialized (select id from task_revisions where search_text ilike ${`%${escapeLike(q)}%`})`;
}

/** How many rows the "scan" plan may test before the index takes over. */
const SCAN_WINDOW = 5000;

function encodeCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}
function decodeCursor(cursor: string): [string, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && typeof v[0] === "string" && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    /* fall through */
  }
  throw new AppError("BAD_INPUT", "Invalid cursor: start again from the first page.");
}

export async function listTasks({ db, input }: { db: Db; input: TaskListInput }): Promise<{ items: TaskListItem[]; nextCursor: string | null }> {
  const p = taskListInputSchema.parse(input);
  const col = SORT_COLUMN[p.sort];
  const desc = p.dir === "desc";
  let after = Prisma.sql`true`;
  if (p.cursor) {
    const [value, id] = decodeCursor(p.cursor);
    const v = p.sort === "externalId" ? Prisma.sql`${value}::text` : Prisma.sql`${value}::timestamptz`;
    after = desc ? Prisma.sql`(${col}, t.id) < (${v}, ${id}::int)` : Prisma.sql`(${col}, t.id) > (${v}, ${id}::int)`;
  }
  const order = desc ? Prisma.sql`${col} desc, t.id desc` : Prisma.sql`${col} asc, t.id asc`;
  type Row = Omit<TaskListItem, "createdAt" | "updatedAt"> & { createdAt: Date; updatedAt: Date; sortValue: string };
  const page = (plan: SearchPlan, window: number | null) => db.prisma.$queryRaw<Row[]>`
    ${taskSearchCte(p, plan)}
    select t.id, t.external_id as "externalId", e.name as environment, b.name as batch,
           t.verdict_status::text as "verdictStatus", t.verdict_reason::text as "verdictReason", t.review_status::text as "reviewStatus",
           t.revision_count as "revisionCount", coalesce(cardinality(r.failure_cases), 0) as "failureCaseCount",
           left(r.instruction, 300) as instruction, t.created_at as "createdAt", t.updated_at as "updatedAt",
           ${p.sort === "externalId" ? Prisma.sql`t.external_id` : Prisma.sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`} as "sortValue"
    from ${window ? Prisma.sql`(select * from tasks t where ${after} order by ${order} limit ${window}::int) t` : Prisma.sql`tasks t`}
    join environments e on e.id = t.environment_id
    left join import_batches b on b.id = t.batch_id
    left join task_revisions r on r.id = t.current_revision_id
    where ${taskFilterSql(p, plan)} and ${after}
    order by ${order}
    limit ${p.limit + 1}`;
  let rows: Row[];
  if (p.q && p.q.trim().length >= 3) {
    // A full page from the next few thousand rows settles it; otherwise matches are rare: use the index.
    rows = await page("scan", SCAN_WINDOW);
    if (rows.length <= p.limit) rows = await page("index", null);
  } else {
    rows = await page("scan", null);
  }
  const more = rows.length > p.limit;
  const items = more ? rows.slice(0, p.limit) : rows;
  const last = items[items.length - 1];
  return {
    items: items.map(({ sortValue: _s, ...r }) => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() })),
    nextCursor: more && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}

/** The neighbours of a task in a list order: what j/k move to from the task page. */
export async function getTaskNeighbors({ db, taskId, input }: { db: Db; taskId: number; input: TaskListInput }) {
  const p = taskListInputSchema.parse(input);
  const col = SORT_COLUMN[p.sort];
  const [row] = await db.prisma.$queryRaw<Array<{ v: string }>>`
    select ${p.sort === "externalId" ? Prisma.sql`t.external_id` : Prisma.sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`} as v
    from tasks t where t.id = ${taskId}::int`;
  if (!row) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const cursor = encodeCursor(row.v, taskId);
  const [next, prev] = await Promise.all([
    listTasks({ db, input: { ...p, cursor, limit: 1 } }),
    listTasks({ db, input: { ...p, dir: p.dir === "desc" ? "asc" : "desc", cursor, limit: 1 } }),
  ]);
  return { nextId: next.items[0]?.id ?? null, prevId: prev.items[0]?.id ?? null };
}

export async function countTasks({ db, filter }: { db: Db; filter: TaskFilter }): Promise<number> {
  const [row] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
    ${taskSearchCte(filter)}
    select count(*) as n
    from tasks t
    left join task_revisions r on r.id = t.current_revision_id
    where ${taskFilterSql(filter)}`;
  return Number(row?.n ?? 0);
}

/** The values the list's filter menus offer. */
export async function listTaskFacets({ db }: { db: Db }) {
  const [environments, batches] = await Promise.all([
    db.prisma.environment.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    db.prisma.importBatch.findMany({ select: { name: true }, orderBy: { createdAt: "desc" }, take: 500 }),
  ]);
  return { environments: environments.map((e) => e.name), batches: batches.map((b) => b.name) };
}
