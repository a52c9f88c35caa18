// Facet counts for the list: for each facet, how many tasks match the filter with that facet's own
// choice left out (so the menu shows the alternatives). Facets not chosen share one GROUPING SETS
// query; each chosen facet costs one more.
import type { TaskFilter } from "@/lib/task-query";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { taskFilterSql, taskSearchCte } from "./list-tasks";

const FACETS = {
  environment: Prisma.sql`e.name`,
  batch: Prisma.sql`b.name`,
  verdict: Prisma.sql`t.verdict_status::text`,
  reason: Prisma.sql`t.verdict_reason::text`,
  review: Prisma.sql`t.review_status::text`,
  comments: Prisma.sql`case when t.comment_count > 0 then 'yes' else 'no' end`,
  edited: Prisma.sql`case when t.edited_by_human then 'yes' else 'no' end`,
} as const;
type Facet = keyof typeof FACETS | "label";
export type FacetCounts = Record<Facet, Record<string, number>>;

const FROM = Prisma.sql`from tasks t join environments e on e.id = t.environment_id left join import_batches b on b.id = t.batch_id left join task_revisions r on r.id = t.current_revision_id`;

async function grouped(db: Db, filter: TaskFilter, facets: Array<keyof typeof FACETS>): Promise<Array<{ facet: string; value: string | null; n: number }>> {
  if (!facets.length) return [];
  const sets = Prisma.join(facets.map((f) => Prisma.sql`(${FACETS[f]})`), ", ");
  const which = Prisma.join(facets.map((f, i) => Prisma.sql`when grouping(${FACETS[f]}) = 0 then ${facets[i]}`), " ");
  const value = Prisma.join(facets.map((f) => FACETS[f]), ", ");
  return db.prisma.$queryRaw`
    ${taskSearchCte(filter)}
    select case ${which} end as facet, coalesce(${value}) as value, count(*)::int as n
    ${FROM} where ${taskFilterSql(filter)}
    group by grouping sets (${sets})`;
}

async function labelCounts(db: Db, filter: TaskFilter) {
  return db.prisma.$queryRaw<Array<{ value: string; n: number }>>`
    ${taskSearchCte(filter)}
    select l.name as value, count(*)::int as n
    ${FROM} join task_labels tl on tl.task_id = t.id join labels l on l.id = tl.label_id
    where ${taskFilterSql(filter)} group by l.name`;
}

export async function getFacetCounts({ db, filter }: { db: Db; filter: TaskFilter }): Promise<FacetCounts> {
  const all = Object.keys(FACETS) as Array<keyof typeof FACETS>;
  const chosen = all.filter((f) => filter[f] !== undefined);
  const free = all.filter((f) => filter[f] === undefined);
  const results = await Promise.all([
    grouped(db, filter, free),
    ...chosen.map((f) => grouped(db, { ...filter, [f]: undefined }, [f])),
    labelCounts(db, { ...filter, label: undefined }),
  ]);
  const labels = results.pop() as Array<{ value: string; n: number }>;
  const out = Object.fromEntries([...all, "label"].map((f) => [f, {} as Record<string, number>])) as FacetCounts;
  for (const rows of results as Array<Array<{ facet: string; value: string | null; n: number }>>) {
    for (const r of rows) if (r.value !== null) out[r.facet as Facet][r.value] = r.n;
  }
  for (const l of labels) out.label[l.value] = l.n;
  return out;
}
