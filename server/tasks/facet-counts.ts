// Facet counts for the list: for each facet, how many tasks match the filter with that facet's own
// choice left out (so the menu shows the alternatives), plus the total.
//
// Exact where that is cheap, estimated where it is not. A reviewer needs to know whether a facet
// holds 12 tasks or about 340,000, not the last digit of the second. Each distinct filter is first
// estimated on a block sample of the tasks table (TABLESAMPLE SYSTEM: a few milliseconds however big
// the table); one that matches at most EXACT_LIMIT tasks is then counted exactly, and one that
// matches more is counted on the sample and scaled up, marked approximate so the UI says "about".
// That keeps facets + first page under 150 ms at a million tasks for every kind of query, including
// a search for a word a third of the tasks contain (the exact count read every instruction and all
// the code: 425 ms at 100k tasks, seconds at a million).
//
// Most list views filter only on the columns of tasks (environment, verdict, reason, review, stale,
// comments, edited): those are answered exactly from counters that triggers keep per combination of
// the columns (the facet_counters migration) — a few hundred rows summed in memory, whatever the size
// of the table. Other filters (search, batch, label, dataset…) go through passes over the tasks: the
// column facets share one GROUPING SETS pass, batch and label count through their membership tables,
// and a rare search term is resolved to task ids once, through the trigram index.
import type { TaskQuery } from "@/lib/task-query";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { samplePercent, searchFraction, tableRows, TEXT_SAMPLE_ROWS } from "./search-estimate";
import { matchingTasksSql, taskQuerySql, type SearchPlan } from "./task-query-sql";

const COLUMN_FACETS = {
  environment: Prisma.sql`t.environment_id`,
  verdict: Prisma.sql`t.verdict_status`,
  reason: Prisma.sql`t.verdict_reason`,
  review: Prisma.sql`t.review_status`,
  stale: Prisma.sql`t.review_stale`,
  comments: Prisma.sql`(t.comment_count > 0)`,
  edited: Prisma.sql`t.edited_by_human`,
  override: Prisma.sql`(t.review_override is not null)`,
  strength: Prisma.sql`t.strength`,
} as const;
const MEMBERSHIP_FACETS = {
  batch: { join: Prisma.sql`join task_batches m on m.task_id = t.id`, key: Prisma.sql`m.batch_id` },
  label: { join: Prisma.sql`join task_labels m on m.task_id = t.id`, key: Prisma.sql`m.label_id` },
} as const;
type ColumnFacet = keyof typeof COLUMN_FACETS;
type MembershipFacet = keyof typeof MEMBERSHIP_FACETS;
type Facet = ColumnFacet | MembershipFacet | "edit";
const FACETS: Facet[] = [
  ...(Object.keys(COLUMN_FACETS) as ColumnFacet[]),
  ...(Object.keys(MEMBERSHIP_FACETS) as MembershipFacet[]),
  "edit",
];

export type FacetCounts = Record<Facet, Record<string, number>> & {
  total: number;
  /** The total and the facets counted on a sample, to be shown as "about". */
  approximate: { total: boolean } & Record<Facet, boolean>;
};

/** Matches counted exactly before a filter is estimated instead. */
const EXACT_LIMIT = 10_000;
/** About this many task rows are read for an estimate (fewer when each must have its text tested). */
const SAMPLE_ROWS = 20_000;

interface Pass {
  filter: TaskQuery;
  /** Percent of the table's blocks sampled; null: counted exactly over the whole table. */
  samplePercent: number | null;
  /** Tasks per sampled row: the table's rows over the rows the sample holds (blocks are not uniform). */
  factor: number;
  /**
   * Whole blocks (cheap: a text search tests few rows) or single rows (reads every block but cannot
   * be skewed by how rows cluster in blocks: an import writes its batch's tasks side by side, and
   * updates move rows to new blocks).
   */
  method?: "system" | "bernoulli";
}

const hasQ = (f: TaskQuery) => !!f.q?.trim();
const percentOf = (f: TaskQuery, total: number) => samplePercent(hasQ(f) ? TEXT_SAMPLE_ROWS : SAMPLE_ROWS, total);

function from(pass: Pass, plan: SearchPlan): Prisma.Sql {
  const needsText = hasQ(pass.filter) && typeof plan !== "object";
  if (pass.samplePercent === null) {
    return needsText
      ? Prisma.sql`from tasks t left join task_revisions r on r.id = t.current_revision_id`
      : Prisma.sql`from tasks t`;
  }
  const tasks = Prisma.sql`tasks t tablesample ${Prisma.raw(pass.method === "bernoulli" ? "bernoulli" : "system")} (${Prisma.raw(pass.samplePercent.toFixed(4))}) repeatable (7)`;
  // Lateral, so the sampled rows look up their revision (a hash join would read every revision).
  return needsText
    ? Prisma.sql`from ${tasks} left join lateral (select search_text from task_revisions where id = t.current_revision_id) r on true`
    : Prisma.sql`from ${tasks}`;
}

/**
 * The text is tested once per request: an exact pass uses the matches resolved through the index,
 * a sampled one the sample's matches (every text pass samples the same rows: same percent, same
 * seed), so the passes running side by side never each read the sample's code again.
 */
interface Matches {
  exact: number[] | null;
  sampled: number[] | null;
}
const planFor = (pass: Pass, m: Matches): SearchPlan => {
  const ids = pass.samplePercent === null ? m.exact : m.sampled;
  return ids ? { taskIds: ids } : "scan";
};

/** The ids of the sampled tasks whose text matches `q` (what a sampled text pass would test). */
async function sampleMatches(db: Db, q: string, pass: Pass): Promise<number[]> {
  const text: Pass = { filter: { q }, samplePercent: pass.samplePercent, factor: pass.factor, method: pass.method };
  const rows = await db.prisma.$queryRaw<Array<{ id: number }>>`
    select t.id ${from(text, "scan")} where ${taskQuerySql({ q }, "scan")}`;
  return rows.map((r) => r.id);
}

/**
 * Exact or estimated: a filter is estimated on a sample first (for a text search, how common the
 * term is; for the rest, how many sampled rows match), and counted exactly when that predicts at most
 * EXACT_LIMIT matches. Half the limit for text leaves room for the estimate's error on a small sample.
 */
async function planPass(db: Db, filter: TaskQuery, total: number, exactLimit: number): Promise<Pass> {
  const exact: Pass = { filter, samplePercent: null, factor: 1 };
  if (total <= exactLimit) return exact;
  const pct = percentOf(filter, total);
  const sampledRows = async () => {
    const [row] = await db.prisma.$queryRaw<
      Array<{ n: number }>
    >`select count(*)::int as n from tasks tablesample system (${Prisma.raw(pct.toFixed(4))}) repeatable (7)`;
    return { filter, samplePercent: pct, factor: row?.n ? total / row.n : 100 / pct };
  };
  const q = filter.q?.trim();
  if (q) return (await searchFraction(db, q, total)) * total <= exactLimit / 2 ? exact : sampledRows();
  if (Object.values(filter).every((v) => v === undefined || v === ""))
    return { filter, samplePercent: pct, factor: 100 / pct, method: "bernoulli" };
  const [row] = await db.prisma.$queryRaw<Array<{ hits: number; n: number }>>`
    select count(*) filter (where ${taskQuerySql(filter, "scan")})::int as hits, count(*)::int as n
    from tasks t tablesample system (${Prisma.raw(pct.toFixed(4))}) repeatable (7)`;
  if (!row?.n || (row.hits / row.n) * total <= exactLimit) return exact;
  return { filter, samplePercent: pct, factor: 100 / pct, method: "bernoulli" };
}

const scale = (n: number, pass: Pass) => (pass.samplePercent === null ? n : estimate(n * pass.factor));
/** Two significant digits: "about 340,000", not a false "341,907". */
export function estimate(n: number): number {
  if (n < 100) return Math.round(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}

async function columnCounts(db: Db, pass: Pass, matches: Matches, facets: ColumnFacet[], withTotal: boolean) {
  const sets = [...facets.map((f) => Prisma.sql`(${COLUMN_FACETS[f]})`), ...(withTotal ? [Prisma.sql`()`] : [])];
  const columns = facets.map(
    (f) =>
      Prisma.sql`${COLUMN_FACETS[f]}::text as ${Prisma.raw(`"v_${f}"`)}, grouping(${COLUMN_FACETS[f]}) as ${Prisma.raw(`"g_${f}"`)}`,
  );
  const plan = planFor(pass, matches);
  const rows = await db.prisma.$queryRaw<Array<Record<string, string | number | null>>>`
    select ${Prisma.join([...columns, Prisma.sql`count(*)::int as n`], ", ")}
    ${from(pass, plan)} where ${taskQuerySql(pass.filter, plan)}
    group by grouping sets (${Prisma.join(sets, ", ")})`;
  return rows.map((r) => {
    const facet = facets.find((f) => Number(r[`g_${f}`]) === 0);
    const raw = facet ? (r[`v_${facet}`] as string | null) : null;
    const value = raw === "true" ? "yes" : raw === "false" ? "no" : raw;
    return { facet: (facet ?? "total") as ColumnFacet | "total", value, n: scale(r.n as number, pass) };
  });
}

async function membershipCounts(db: Db, pass: Pass, matches: Matches, facet: MembershipFacet) {
  const { join, key } = MEMBERSHIP_FACETS[facet];
  const plan = planFor(pass, matches);
  const rows = await db.prisma.$queryRaw<Array<{ k: number; n: number }>>`
    select ${key} as k, count(*)::int as n
    ${from(pass, plan)} ${join}
    where ${taskQuerySql(pass.filter, plan)} group by 1`;
  return rows.map((r) => ({ k: r.k, n: scale(r.n, pass) }));
}

/** Filters the counters answer: only the columns they are kept by. */
const COUNTER_FACETS: Record<ColumnFacet, keyof CounterRow> = {
  environment: "environment_id",
  verdict: "verdict_status",
  reason: "verdict_reason",
  review: "review_status",
  stale: "review_stale",
  comments: "has_comments",
  edited: "edited",
  override: "has_override",
  strength: "strength",
};
interface CounterRow {
  environment_id: number;
  verdict_status: string;
  verdict_reason: string | null;
  review_status: string;
  review_stale: boolean;
  has_comments: boolean;
  edited: boolean;
  has_override: boolean;
  strength: string;
  n: number;
  parts: number;
}
const counterAnswers = (f: TaskQuery) =>
  Object.entries(f).every(([k, v]) => v === undefined || v === "" || k in COUNTER_FACETS);
/** Appended counter rows past which a reader folds them (the read stays correct either way). */
const COMPACT_AFTER = 5_000;

function counterValue(row: CounterRow, facet: ColumnFacet): string | null {
  const v = row[COUNTER_FACETS[facet]];
  if (typeof v === "boolean") return v ? "yes" : "no";
  return v === null ? null : String(v);
}

/** The column facets and the total from the counters; environments come back as ids. */
async function countersFacetCounts(db: Db, filter: TaskQuery) {
  const rows = await db.prisma.$queryRaw<CounterRow[]>`
    select environment_id, verdict_status::text as verdict_status, verdict_reason::text as verdict_reason, review_status::text as review_status,
           review_stale, has_comments, edited, has_override, strength::text as strength, sum(n)::int as n, count(*)::int as parts
    from task_counts group by 1, 2, 3, 4, 5, 6, 7, 8, 9 having sum(n) <> 0`;
  if (rows.reduce((a, r) => a + r.parts, 0) > COMPACT_AFTER)
    void db.pool.query("select compact_facet_counters()").catch(() => undefined);
  const columns = Object.keys(COUNTER_FACETS) as ColumnFacet[];
  // The environment filter is a name; the counters hold ids.
  const envId = filter.environment
    ? ((await db.prisma.environment.findUnique({ where: { name: filter.environment }, select: { id: true } }))?.id ??
      -1)
    : undefined;
  const wanted = (f: ColumnFacet) =>
    f === "environment" ? (envId === undefined ? undefined : String(envId)) : filter[f];
  const matches = (r: CounterRow, except?: ColumnFacet) =>
    columns.every(
      (f) => f === except || wanted(f) === undefined || wanted(f) === "" || counterValue(r, f) === wanted(f),
    );
  const counts = Object.fromEntries(columns.map((f) => [f, {} as Record<string, number>])) as Record<
    ColumnFacet,
    Record<string, number>
  >;
  let total = 0;
  for (const r of rows) {
    if (matches(r)) total += r.n;
    for (const f of columns) {
      const v = counterValue(r, f);
      if (v !== null && matches(r, f)) counts[f][v] = (counts[f][v] ?? 0) + r.n;
    }
  }
  return { total, counts };
}

/**
 * What human edits did, within the filter: edited tasks now accepted whose imported revision was
 * rejected (rescued), and the reverse. Edited tasks are a small share, found through their index.
 */
async function editCounts(db: Db, filter: TaskQuery, matches: Matches, sampledPass: Pass | undefined) {
  const f = { ...filter, edit: undefined, edited: undefined };
  // A common term is counted among the sample's matches and scaled (an exact count would test the
  // text of every edited task); a rare one among its matches; no term, exactly.
  const sampled = !matches.exact && matches.sampled && sampledPass ? sampledPass : null;
  const ids = matches.exact ?? (sampled ? matches.sampled : null);
  const plan: SearchPlan = ids ? { taskIds: ids } : "scan";
  const rows = await db.prisma.$queryRaw<Array<{ k: string; n: number }>>`
    select k, count(*)::int as n from (
      select case when t.verdict_status = 'accepted' and b.verdict_status = 'rejected' then 'rescued'
                  when t.verdict_status = 'rejected' and b.verdict_status = 'accepted' then 'newly_rejected' end as k
      ${from({ filter: f, samplePercent: null, factor: 1 }, plan)}
      left join lateral (select fr.verdict_status from filter_runs fr join task_revisions ir on ir.id = fr.revision_id
                         where fr.task_id = t.id and fr.status = 'done' and ir.source = 'import' order by fr.id desc limit 1) b on true
      where t.edited_by_human and ${taskQuerySql(f, plan)}) e
    where k is not null group by k`;
  return { approximate: !!sampled, rows: sampled ? rows.map((r) => ({ k: r.k, n: scale(r.n, sampled) })) : rows };
}

/** Exact membership counts of the whole table (unfiltered), from the counters. */
async function membershipTotals(db: Db, facet: MembershipFacet) {
  return db.prisma.$queryRaw<Array<{ k: number; n: number }>>`
    select key as k, sum(n)::int as n from membership_counts where facet = ${facet === "batch" ? "task_batches" : "task_labels"} group by key having sum(n) <> 0`;
}

const isEmpty = (f: TaskQuery) => Object.values(f).every((v) => v === undefined || v === "");

/** `exactLimit` is for tests: a small table crosses it too. */
export async function getFacetCounts({
  db,
  filter,
  exactLimit = EXACT_LIMIT,
}: {
  db: Db;
  filter: TaskQuery;
  exactLimit?: number;
}): Promise<FacetCounts> {
  const total = await tableRows(db);
  const columns = Object.keys(COLUMN_FACETS) as ColumnFacet[];
  const chosen = columns.filter((f) => filter[f] !== undefined);
  const free = columns.filter((f) => filter[f] === undefined);
  const without = (f: Facet): TaskQuery => ({ ...filter, [f]: undefined });
  const useCounters = counterAnswers(filter);
  // Each distinct filter is planned once (a facet's own choice left out can match far more tasks
  // than the filter itself; an unchosen facet's filter is the filter itself).
  const plans = new Map<string, Promise<Pass>>();
  const plan = (f: TaskQuery) => {
    const key = JSON.stringify(f, Object.keys(f).sort());
    if (!plans.has(key)) plans.set(key, planPass(db, f, total, exactLimit));
    return plans.get(key)!;
  };
  const columnPasses = useCounters ? [] : await Promise.all([plan(filter), ...chosen.map((f) => plan(without(f)))]);
  // The text is tested once: a rare term's matches through the index for every exact pass (only
  // when the table is bigger than the limit: below it a scan is as cheap), the sample's matches for
  // every sampled one.
  const q = filter.q?.trim();
  const textPasses = q ? [...columnPasses, await plan(without("batch")), await plan(without("label"))] : [];
  const sampledPass = textPasses.find((p) => p.samplePercent !== null);
  const [exact, sampled] = await Promise.all([
    q && textPasses.some((p) => p.samplePercent === null) && total > exactLimit
      ? db.prisma.$queryRaw<Array<{ id: number }>>`${matchingTasksSql(q)}`.then((rows) => rows.map((r) => r.id))
      : null,
    q && sampledPass ? sampleMatches(db, q, sampledPass) : null,
  ]);
  const matches: Matches = { exact, sampled };
  const membership = (facet: MembershipFacet) => {
    const f = without(facet);
    return isEmpty(f)
      ? Promise.all([membershipTotals(db, facet), { samplePercent: null } as Pass])
      : plan(f).then(async (p) => [await membershipCounts(db, p, matches, facet), p] as const);
  };
  const [
    environments,
    batches,
    labels,
    [batchRows, batchPass],
    [labelRows, labelPass],
    edits,
    counters,
    freeRows,
    ...chosenRows
  ] = await Promise.all([
    db.prisma.environment.findMany({ select: { id: true, name: true } }),
    db.prisma.importBatch.findMany({ select: { id: true, name: true } }),
    db.prisma.label.findMany({ select: { id: true, name: true } }),
    membership("batch"),
    membership("label"),
    editCounts(db, filter, matches, sampledPass),
    useCounters ? countersFacetCounts(db, filter) : null,
    useCounters ? [] : columnCounts(db, columnPasses[0]!, matches, free, true),
    ...(useCounters ? [] : chosen.map((f, i) => columnCounts(db, columnPasses[i + 1]!, matches, [f], false))),
  ]);
  const envName = new Map(environments.map((e) => [String(e.id), e.name]));
  const out = Object.fromEntries(FACETS.map((f) => [f, {}])) as unknown as FacetCounts;
  out.total = 0;
  out.approximate = {
    total: false,
    ...Object.fromEntries(FACETS.map((f) => [f, false])),
  } as FacetCounts["approximate"];
  if (counters) {
    out.total = counters.total;
    for (const f of columns)
      for (const [v, n] of Object.entries(counters.counts[f]))
        out[f][f === "environment" ? (envName.get(v) ?? v) : v] = n;
  } else {
    out.approximate.total = columnPasses[0]!.samplePercent !== null;
    for (const f of free) out.approximate[f] = columnPasses[0]!.samplePercent !== null;
    chosen.forEach((f, i) => {
      out.approximate[f] = columnPasses[i + 1]!.samplePercent !== null;
    });
    for (const rowsOf of [freeRows, ...chosenRows]) {
      for (const r of rowsOf) {
        if (r.facet === "total") out.total = r.n;
        else if (r.value !== null)
          out[r.facet][r.facet === "environment" ? (envName.get(r.value) ?? r.value) : r.value] = r.n;
      }
    }
  }
  out.approximate.batch = batchPass.samplePercent !== null;
  out.approximate.label = labelPass.samplePercent !== null;
  const batchName = new Map(batches.map((b) => [b.id, b.name]));
  for (const b of batchRows) out.batch[batchName.get(b.k) ?? String(b.k)] = b.n;
  const labelName = new Map(labels.map((l) => [l.id, l.name]));
  for (const l of labelRows) out.label[labelName.get(l.k) ?? String(l.k)] = l.n;
  for (const e of edits.rows) out.edit[e.k] = e.n;
  out.approximate.edit = edits.approximate;
  return out;
}
