// Facet counts for the list: for each facet, how many tasks match the filter with that facet's own
// choice left out (so the menu shows the alternatives), plus the total. The facets not chosen share
// one GROUPING SETS pass over the tasks table alone (no joins: environments and batches are grouped
// by id and named afterwards); each chosen facet costs one more pass.
import type { TaskFilter } from "@/lib/task-query";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { taskFilterSql, taskSearchCte } from "./task-query-sql";

// Grouped by the raw columns (enums, ids, booleans): hashing those is several times cheaper than
// hashing their text forms, which are made only for the few result rows.
const FACETS = {
  environment: Prisma.sql`t.environment_id`,
  batch: Prisma.sql`t.batch_id`,
  verdict: Prisma.sql`t.verdict_status`,
  reason: Prisma.sql`t.verdict_reason`,
  review: Prisma.sql`t.review_status`,
  comments: Prisma.sql`(t.comment_count > 0)`,
  edited: Prisma.sql`t.edited_by_human`,
} as const;
type Facet = keyof typeof FACETS | "label";
export type FacetCounts = Record<Facet, Record<string, number>> & { total: number };

/** Search conditions read the current revision; nothing else needs a join. */
function from(filter: TaskFilter): Prisma.Sql {
  return filter.q?.trim() ? Prisma.sql`from tasks t left join task_revisions r on r.id = t.current_revision_id` : Prisma.sql`from tasks t`;
}

async function grouped(db: Db, filter: TaskFilter, facets: Array<keyof typeof FACETS>, withTotal: boolean) {
  const sets = [...facets.map((f) => Prisma.sql`(${FACETS[f]})`), ...(withTotal ? [Prisma.sql`()`] : [])];
  const columns = facets.map((f) => Prisma.sql`${FACETS[f]}::text as ${Prisma.raw(`"v_${f}"`)}, grouping(${FACETS[f]}) as ${Prisma.raw(`"g_${f}"`)}`);
  const rows = await db.prisma.$queryRaw<Array<Record<string, string | number | null>>>`
    ${taskSearchCte(filter)}
    select ${Prisma.join([...columns, Prisma.sql`count(*)::int as n`], ", ")}
    ${from(filter)} where ${taskFilterSql(filter)}
    group by grouping sets (${Prisma.join(sets, ", ")})`;
  return rows.map((r) => {
    const facet = facets.find((f) => Number(r[`g_${f}`]) === 0);
    const raw = facet ? (r[`v_${facet}`] as string | null) : null;
    const value = raw === "true" ? "yes" : raw === "false" ? "no" : raw;
    return { facet: facet ?? "total", value, n: r.n as number };
  });
}

async function labelCounts(db: Db, filter: TaskFilter) {
  const rest = { ...filter, label: undefined };
  const unfiltered = Object.values(rest).every((v) => v === undefined || v === "");
  if (unfiltered) {
    return db.prisma.$queryRaw<Array<{ label_id: number; n: number }>>`select label_id, count(*)::int as n from task_labels group by label_id`;
  }
  return db.prisma.$queryRaw<Array<{ label_id: number; n: number }>>`
    ${taskSearchCte(rest)}
    select tl.label_id, count(*)::int as n
    ${from(rest)} join task_labels tl on tl.task_id = t.id
    where ${taskFilterSql(rest)} group by tl.label_id`;
}

export async function getFacetCounts({ db, filter }: { db: Db; filter: TaskFilter }): Promise<FacetCounts> {
  const all = Object.keys(FACETS) as Array<keyof typeof FACETS>;
  const chosen = all.filter((f) => filter[f] !== undefined);
  const free = all.filter((f) => filter[f] === undefined);
  const [freeRows, labelRows, environments, batches, ...chosenRows] = await Promise.all([
    grouped(db, filter, free, true),
    labelCounts(db, filter),
    db.prisma.environment.findMany({ select: { id: true, name: true } }),
    db.prisma.importBatch.findMany({ select: { id: true, name: true } }),
    ...chosen.map((f) => grouped(db, { ...filter, [f]: undefined }, [f], false)),
  ]);
  const names: Partial<Record<Facet, Map<string, string>>> = {
    environment: new Map(environments.map((e) => [String(e.id), e.name])),
    batch: new Map(batches.map((b) => [String(b.id), b.name])),
  };
  const out = { ...Object.fromEntries([...all, "label"].map((f) => [f, {} as Record<string, number>])), total: 0 } as unknown as FacetCounts;
  out.total = 0;
  for (const rows of [freeRows, ...chosenRows]) {
    for (const r of rows) {
      if (r.facet === "total") out.total = r.n;
      else if (r.value !== null) out[r.facet as Facet][names[r.facet as Facet]?.get(r.value) ?? r.value] = r.n;
    }
  }
  const labels = await db.prisma.label.findMany({ where: { id: { in: labelRows.map((l) => l.label_id) } }, select: { id: true, name: true } });
  const labelName = new Map(labels.map((l) => [l.id, l.name]));
  for (const l of labelRows) out.label[labelName.get(l.label_id) ?? String(l.label_id)] = l.n;
  return out;
}
