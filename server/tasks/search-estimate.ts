// How common a search term is, estimated on a small block sample of the tasks (testing a task's
// text costs ~5 µs, so a few thousand rows cost a few milliseconds however big the table is). The
// list uses it to pick its plan (walk in sort order for common terms, trigram index for rare ones)
// and the facet counts to decide between counting exactly and estimating; both ask for the same
// term together, so answers are kept for a few seconds.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { escapeLike } from "./task-query-sql";

/** Rows read for an estimate. */
export const TEXT_SAMPLE_ROWS = 4_000;
const TTL_MS = 10_000;
const cache = new Map<string, { at: number; fraction: number }>();

/**
 * How many tasks there are, from the statistics PostgreSQL keeps as rows are written (n_live_tup,
 * current within a second; the planner's reltuples waits for the next analyze, and once lagged a
 * 100k import behind, under-counting every estimate by a tenth). Free, and enough to scale a sample.
 */
export async function tableRows(db: Db): Promise<number> {
  const [stats] = await db.prisma.$queryRaw<Array<{ rows: number }>>`
    select greatest(coalesce(s.n_live_tup, 0), c.reltuples, 0)::int as rows
    from pg_class c left join pg_stat_user_tables s on s.relid = c.oid where c.oid = 'tasks'::regclass`;
  return stats?.rows ?? 0;
}

/** Percent of the table's blocks to sample for about `rows` rows (100 for a small table). */
export function samplePercent(rows: number, total: number): number {
  return total <= 0 ? 100 : Math.min(100, (100 * rows) / total);
}

/** The share of tasks whose current revision contains `q` (case-insensitive), estimated. */
export async function searchFraction(db: Db, q: string, total: number): Promise<number> {
  const key = `${db.url}\u0000${q}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.fraction;
  const pct = samplePercent(TEXT_SAMPLE_ROWS, total);
  // A nested loop by construction (lateral): a hash join would read every revision to find the few sampled.
  const [row] = await db.prisma.$queryRaw<Array<{ hits: number; n: number }>>`
    select count(*) filter (where r.search_text ilike ${`%${escapeLike(q)}%`})::int as hits, count(*)::int as n
    from tasks t tablesample system (${Prisma.raw(pct.toFixed(4))}) repeatable (11)
    join lateral (select search_text from task_revisions where id = t.current_revision_id) r on true`;
  const fraction = row?.n ? row.hits / row.n : 0;
  if (cache.size > 1000) cache.clear();
  cache.set(key, { at: Date.now(), fraction });
  return fraction;
}
