// The task list: keyset pagination over (sort column, id), so page 2,000 costs what page 1 costs.
import { STRENGTH_STATUSES, type StrengthStatus } from "@/lib/strength";
import { type SortField, taskListInputSchema, type TaskQuery, type TaskListInput } from "@/lib/task-query";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { decodeCursor, encodeCursor } from "./cursor";
import { searchFraction, tableRows } from "./search-estimate";
import { taskQuerySql, taskSearchCte, type SearchPlan } from "./task-query-sql";

export interface TaskListItem {
  id: number;
  externalId: string;
  environment: string;
  batch: string | null;
  verdictStatus: "pending" | "accepted" | "rejected";
  verdictReason: string | null;
  reviewStatus: string;
  /** A decision that a newer revision superseded (the task is unreviewed again). */
  reviewStale: boolean;
  /** The reason, when a reviewer approved what the filter did not accept. */
  reviewOverride: string | null;
  /** The verifier strength check of the current revision (lib/strength.ts). */
  strength: StrengthStatus;
  revisionCount: number;
  failureCaseCount: number;
  instruction: string;
  createdAt: string;
  updatedAt: string;
}

const ISO = (col: string) => Prisma.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/**
 * Each sort as its key columns (the id breaks ties), the key as the cursor carries it, and the key
 * read back from a cursor. "lenient" is the task's strength, worst first when descending (the enum
 * lists it worst last), then the newest: "suspected lenient first" on the tasks_strength index.
 */
const SORT_KEY: Record<SortField, { cols: Prisma.Sql; value: Prisma.Sql; bind: (v: string) => Prisma.Sql }> = {
  created: { cols: Prisma.raw("t.created_at"), value: ISO("t.created_at"), bind: (v) => Prisma.sql`${v}::timestamptz` },
  updated: { cols: Prisma.raw("t.updated_at"), value: ISO("t.updated_at"), bind: (v) => Prisma.sql`${v}::timestamptz` },
  externalId: {
    cols: Prisma.raw("t.external_id"),
    value: Prisma.raw("t.external_id"),
    bind: (v) => Prisma.sql`${v}::text`,
  },
  lenient: {
    cols: Prisma.raw("t.strength, t.created_at"),
    value: Prisma.sql`t.strength::text || '|' || ${ISO("t.created_at")}`,
    bind: (v) => {
      const [strength = "", at = ""] = v.split("|");
      if (!(STRENGTH_STATUSES as readonly string[]).includes(strength))
        throw new AppError("BAD_INPUT", "Invalid cursor: start again from the first page.");
      return Prisma.sql`${strength}::"StrengthStatus", ${at}::timestamptz`;
    },
  },
};

/** Fewer estimated matches than this: the index finds them faster than a walk in sort order. */
const RARE_MATCHES = 5_000;
/** How many rows the "scan" plan may test before the index takes over. */
const SCAN_WINDOW = 5000;

export async function listTasks({
  db,
  input,
}: {
  db: Db;
  input: TaskListInput;
}): Promise<{ items: TaskListItem[]; nextCursor: string | null }> {
  const p = taskListInputSchema.parse(input);
  const key = SORT_KEY[p.sort];
  const desc = p.dir === "desc";
  let after = Prisma.sql`true`;
  if (p.cursor) {
    const [value, id] = decodeCursor(p.cursor);
    const v = key.bind(value);
    after = desc
      ? Prisma.sql`(${key.cols}, t.id) < (${v}, ${id}::int)`
      : Prisma.sql`(${key.cols}, t.id) > (${v}, ${id}::int)`;
  }
  const dir = Prisma.raw(desc ? "desc" : "asc");
  const order =
    p.sort === "lenient"
      ? Prisma.sql`t.strength ${dir}, t.created_at ${dir}, t.id ${dir}`
      : Prisma.sql`${key.cols} ${dir}, t.id ${dir}`;
  type Row = Omit<TaskListItem, "createdAt" | "updatedAt"> & { createdAt: Date; updatedAt: Date; sortValue: string };
  const page = (plan: SearchPlan, window: number | null) => db.prisma.$queryRaw<Row[]>`
    ${taskSearchCte(p, plan)}
    select t.id, t.external_id as "externalId", e.name as environment, b.name as batch,
           t.verdict_status::text as "verdictStatus", t.verdict_reason::text as "verdictReason", t.review_status::text as "reviewStatus", t.review_stale as "reviewStale", t.review_override as "reviewOverride", t.strength::text as strength,
           t.revision_count as "revisionCount", coalesce(cardinality(r.failure_cases), 0) as "failureCaseCount",
           left(r.instruction, 300) as instruction, t.created_at as "createdAt", t.updated_at as "updatedAt",
           ${key.value} as "sortValue"
    from ${window ? Prisma.sql`(select * from tasks t where ${after} order by ${order} limit ${window}::int) t` : Prisma.sql`tasks t`}
    join environments e on e.id = t.environment_id
    left join import_batches b on b.id = t.batch_id
    left join task_revisions r on r.id = t.current_revision_id
    where ${taskQuerySql(p, plan)} and ${after}
    order by ${order}
    limit ${p.limit + 1}`;
  let rows: Row[];
  const q = p.q?.trim();
  if (q && q.length >= 3) {
    // A rare term (by a sampled estimate) goes straight to the trigram index; for a common one a full
    // page from the next few thousand rows in sort order settles it, with the index as the fallback.
    const total = await tableRows(db);
    const rare = (await searchFraction(db, q, total)) * total < RARE_MATCHES;
    rows = rare ? [] : await page("scan", SCAN_WINDOW);
    if (rows.length <= p.limit) rows = await page("index", null);
  } else {
    rows = await page("scan", null);
  }
  const more = rows.length > p.limit;
  const items = more ? rows.slice(0, p.limit) : rows;
  const last = items[items.length - 1];
  return {
    items: items.map(({ sortValue: _s, ...r }) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: more && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}

/** The neighbours of a task in a list order: what j/k move to from the task page. */
export async function getTaskNeighbors({ db, taskId, input }: { db: Db; taskId: number; input: TaskListInput }) {
  const p = taskListInputSchema.parse(input);
  const [row] = await db.prisma.$queryRaw<Array<{ v: string }>>`
    select ${SORT_KEY[p.sort].value} as v
    from tasks t where t.id = ${taskId}::int`;
  if (!row) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const cursor = encodeCursor(row.v, taskId);
  const [next, prev] = await Promise.all([
    listTasks({ db, input: { ...p, cursor, limit: 1 } }),
    listTasks({ db, input: { ...p, dir: p.dir === "desc" ? "asc" : "desc", cursor, limit: 1 } }),
  ]);
  return { nextId: next.items[0]?.id ?? null, prevId: prev.items[0]?.id ?? null };
}

export async function countTasks({ db, filter }: { db: Db; filter: TaskQuery }): Promise<number> {
  const [row] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
    ${taskSearchCte(filter)}
    select count(*) as n
    from tasks t
    left join task_revisions r on r.id = t.current_revision_id
    where ${taskQuerySql(filter)}`;
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
