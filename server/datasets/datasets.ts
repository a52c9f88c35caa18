// Datasets: a working set of approved tasks, frozen into immutable versions. A version stores the
// exact task revisions and the verdicts (with pack hashes) that held when it was published, so later
// edits never change it.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import {
  EXCLUSION_SQL,
  EXCLUSION_TEXT,
  POLICY_EXCLUSION_SQL,
  POLICY_EXCLUSION_TEXT,
  policyJoins,
  VERDICT_JOINS,
  type ExclusionReason,
  type PolicyExclusion,
} from "../review/review-state";
import { resolveSelection, type TaskSelection } from "../review/task-selection";
import { type StrengthSummary, strengthSummary } from "../strength/strength-summary";
import type { ExportReview } from "../tasks/export-tasks";

type Tx = Prisma.TransactionClient | Db["prisma"];

// Names become file and folder names on export: no path characters.
const DATASET_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/i;

function checkDatasetName(name: string): string {
  const n = name.trim();
  if (!DATASET_NAME.test(n) || n.includes(".."))
    throw new AppError(
      "BAD_INPUT",
      `Invalid dataset name '${name}': use 1-100 letters, digits, '.', '_' and '-' (no spaces or slashes).`,
    );
  return n;
}

export async function createDataset({
  db,
  name,
  description,
  userId,
}: {
  db: Db;
  name: string;
  description?: string;
  userId: number;
}) {
  const n = checkDatasetName(name);
  if (await db.prisma.dataset.findUnique({ where: { name: n }, select: { id: true } }))
    throw new AppError("CONFLICT", `A dataset named '${n}' exists already.`);
  return db.prisma.dataset.create({
    data: { name: n, description: description?.trim().slice(0, 2000) || null, createdById: userId },
    select: { id: true, name: true },
  });
}

export async function findDataset(db: Db, name: string) {
  const d = await db.prisma.dataset.findUnique({
    where: { name },
    select: { id: true, name: true, description: true },
  });
  if (!d) throw new AppError("NOT_FOUND", `No dataset named '${name}'.`);
  return d;
}

/** Adds approved tasks (others are skipped and counted: only approved tasks go into datasets). */
export async function addTasksToDataset({
  db,
  dataset,
  selection,
  userId,
}: {
  db: Db;
  dataset: string;
  selection: TaskSelection;
  userId: number;
}) {
  const d = await findDataset(db, dataset);
  const ids = await resolveSelection(db, selection);
  const added = await db.prisma.$queryRaw<Array<{ task_id: number }>>`
    insert into dataset_tasks (dataset_id, task_id, added_by_id, added_at)
    select ${d.id}::int, t.id, ${userId}::int, now() from tasks t
    where t.id = any(${ids}::int[]) and t.review_status = 'approved'
    on conflict do nothing returning task_id`;
  const approved = await db.prisma.task.count({ where: { id: { in: ids }, reviewStatus: "approved" } });
  return { added: added.length, alreadyIn: approved - added.length, skippedNotApproved: ids.length - approved };
}

/** Takes tasks out of the working set: ids, or every working-set task matching a list filter. */
export async function removeTasksFromDataset({
  db,
  dataset,
  selection,
}: {
  db: Db;
  dataset: string;
  selection: TaskSelection;
}) {
  const d = await findDataset(db, dataset);
  const ids = await resolveSelection(
    db,
    "filter" in selection ? { filter: { ...selection.filter, dataset: d.name } } : selection,
  );
  const { count } = await db.prisma.datasetTask.deleteMany({ where: { datasetId: d.id, taskId: { in: ids } } });
  return { removed: count };
}

interface ExcludedTask {
  id: string;
  reason: ExclusionReason | PolicyExclusion;
  message: string;
}

export interface PublishPlan {
  dataset: string;
  /** Working-set tasks that will go into the version. */
  included: number;
  /** Working-set tasks that will be left out, with why (at most 1,000 listed; excludedCount is exact). */
  excluded: ExcludedTask[];
  excludedCount: number;
  /** Against the latest version: tasks added, removed (including those now excluded), and at another revision. */
  changes: { previous: number | null; added: number; removed: number; changed: number };
  /** Nothing would change against the latest version. */
  unchanged: boolean;
}

/**
 * What publishing would do now: which working-set tasks go in (approved on their current revision,
 * and accepted there by the filter unless the approval overrode it) and which are left out and why.
 * Runs inside the publishing transaction too, so the preview and the version agree.
 */
async function planPublish(
  tx: Tx,
  d: { id: number; name: string },
): Promise<PublishPlan & { rows: Array<{ task_id: number; revision_id: number }> }> {
  // Review policies (several reviewers per task) are joined only where there are any: without one,
  // a 100k-task working set is planned without a lateral lookup per task.
  const policies =
    (await tx.$queryRaw<Array<{ policies: boolean }>>`select exists (select 1 from review_policies) as policies`)[0]
      ?.policies ?? false;
  const rows = await tx.$queryRaw<
    Array<{
      task_id: number;
      external_id: string;
      revision_id: number;
      exclusion: ExclusionReason | PolicyExclusion | null;
      approvals: number | null;
      required: number | null;
    }>
  >`
    select t.id as task_id, t.external_id, t.current_revision_id as revision_id,
           ${policies ? POLICY_EXCLUSION_SQL : EXCLUSION_SQL} as exclusion,
           ${policies ? Prisma.sql`rv.approvals, pol.required` : Prisma.sql`null::int as approvals, null::int as required`}
    from dataset_tasks dt
    join tasks t on t.id = dt.task_id
    ${VERDICT_JOINS}
    ${policies ? policyJoins(d.id) : Prisma.empty}
    where dt.dataset_id = ${d.id}::int and t.current_revision_id is not null
    order by t.external_id`;
  const included = rows.filter((r) => r.exclusion === null);
  const excludedRows = rows.filter((r) => r.exclusion !== null);
  const last = await tx.datasetVersion.findFirst({
    where: { datasetId: d.id },
    orderBy: { number: "desc" },
    select: { id: true, number: true },
  });
  let changes = { previous: null as number | null, added: included.length, removed: 0, changed: 0 };
  if (last) {
    const [c] = await tx.$queryRaw<Array<{ added: number; removed: number; changed: number }>>`
      select count(*) filter (where old.task_id is null)::int as added,
             count(*) filter (where new.task_id is null)::int as removed,
             count(*) filter (where old.revision_id <> new.revision_id)::int as changed
      from (select task_id, revision_id from dataset_version_items where version_id = ${last.id}::int) old
      full join unnest(${included.map((r) => r.task_id)}::int[], ${included.map((r) => r.revision_id)}::int[]) as new(task_id, revision_id)
        on old.task_id = new.task_id`;
    changes = { previous: last.number, ...c! };
  }
  return {
    dataset: d.name,
    included: included.length,
    excluded: excludedRows.slice(0, 1000).map((r) => ({
      id: r.external_id,
      reason: r.exclusion!,
      message: exclusionMessage(r.exclusion!, r.approvals, r.required),
    })),
    excludedCount: excludedRows.length,
    changes,
    unchanged: !!last && changes.added + changes.removed + changes.changed === 0,
    rows: included,
  };
}

function exclusionMessage(
  reason: ExclusionReason | PolicyExclusion,
  approvals: number | null,
  required: number | null,
): string {
  if (reason === "awaiting_reviews")
    return `awaiting reviews: ${approvals ?? 0} of ${required} approvals the review policy needs`;
  return reason in POLICY_EXCLUSION_TEXT
    ? POLICY_EXCLUSION_TEXT[reason as PolicyExclusion]
    : EXCLUSION_TEXT[reason as ExclusionReason];
}

/** The publish dialog's preview: what would go in, what would be left out and why. */
export async function previewPublish({ db, dataset }: { db: Db; dataset: string }): Promise<PublishPlan> {
  const d = await findDataset(db, dataset);
  const { rows: _rows, ...plan } = await planPublish(db.prisma, d);
  return plan;
}

/**
 * Freezes the working set into a new immutable version: exactly the tasks planPublish lets in, at
 * their current revision, with the verdict and the review that let each in. Nothing is left out
 * silently (the result lists every exclusion); a set identical to the latest version makes no new
 * version unless allowEmptyChange.
 */
export async function publishVersion({
  db,
  dataset,
  name,
  notes,
  userId,
  allowEmptyChange = false,
}: {
  db: Db;
  dataset: string;
  name?: string;
  notes?: string;
  userId: number;
  allowEmptyChange?: boolean;
}) {
  const d = await findDataset(db, dataset);
  return db.prisma.$transaction(
    async (tx) => {
      // One publisher at a time per dataset: version numbers stay dense and unique.
      await tx.$executeRaw`select pg_advisory_xact_lock(7282, ${d.id}::int)`;
      const size = await tx.datasetTask.count({ where: { datasetId: d.id } });
      if (!size)
        throw new AppError("BAD_INPUT", `Dataset '${d.name}' has no tasks: add approved tasks before publishing.`);
      const { rows, ...plan } = await planPublish(tx, d);
      if (!rows.length) {
        throw new AppError(
          "BAD_INPUT",
          `No task in '${d.name}' can be published: all ${plan.excludedCount} are left out (${summarizeExclusions(plan.excluded)}).`,
          plan,
        );
      }
      if (plan.unchanged && !allowEmptyChange) {
        return { ...plan, version: null, id: null, number: null, name: null, createdAt: null, tasks: rows.length };
      }
      const last = await tx.datasetVersion.aggregate({ where: { datasetId: d.id }, _max: { number: true } });
      const version = await tx.datasetVersion.create({
        data: {
          datasetId: d.id,
          number: (last._max.number ?? 0) + 1,
          name: name?.trim().slice(0, 100) || null,
          notes: notes?.trim().slice(0, 10_000) || null,
          authorId: userId,
        },
        select: { id: true, number: true, name: true, createdAt: true },
      });
      // The snapshot: each task's current revision, the verdict of that revision's run, and the
      // review that let it in.
      await tx.$executeRaw`
        insert into dataset_version_items (version_id, task_id, revision_id, verdict, pack_hash, review)
        select ${version.id}::int, t.id, t.current_revision_id,
               case when f.id is null then jsonb_build_object('status', 'pending')
                    else jsonb_build_object('status', f.verdict_status, 'reason', f.verdict_reason, 'packHash', p.hash, 'runId', f.id,
                      'cases', coalesce((select jsonb_agg(jsonb_build_object('role', c.role, 'index', c.index, 'outcome', c.outcome, 'durationMs', c.duration_ms) order by c.role, c.index)
                                         from case_results c where c.run_id = f.id), '[]'::jsonb)) end,
               p.hash,
               jsonb_build_object('status', t.review_status, 'revision', t.revision_count, 'stale', false,
                                  'override', case when t.review_override is null then null else jsonb_build_object('reason', t.review_override) end)
        from unnest(${rows.map((r) => r.task_id)}::int[]) as k(task_id)
        join tasks t on t.id = k.task_id
        left join filter_runs f on f.id = t.verdict_run_id and f.revision_id = t.current_revision_id
        left join packs p on p.id = f.pack_id`;
      // Fresh statistics: without them the export's paged join over a just-written 100k-row
      // version is planned badly until autovacuum gets to it (24 s instead of 5 s).
      await tx.$executeRawUnsafe("analyze dataset_version_items");
      return { ...plan, version: version.number, ...version, tasks: rows.length };
    },
    { timeout: 300_000 },
  );
}

function summarizeExclusions(excluded: ExcludedTask[]): string {
  const by = new Map<string, number>();
  for (const e of excluded) by.set(e.message, (by.get(e.message) ?? 0) + 1);
  return [...by].map(([m, n]) => `${n} ${m}`).join(", ");
}

export async function listDatasets({ db }: { db: Db }) {
  const rows = await db.prisma.dataset.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      description: true,
      createdAt: true,
      _count: { select: { tasks: true } },
      versions: {
        orderBy: { number: "desc" },
        select: {
          id: true,
          number: true,
          name: true,
          notes: true,
          createdAt: true,
          author: { select: { name: true } },
          _count: { select: { items: true } },
        },
      },
    },
  });
  return rows.map((d) => ({
    ...d,
    taskCount: d._count.tasks,
    versions: d.versions.map((v) => ({ ...v, taskCount: v._count.items })),
  }));
}

/**
 * A version reference is exactly NAME (the newest version) or NAME@NUMBER. Anything else is refused
 * before it reaches a query or a file name: a lenient split once let "ds@1@/../../x" resolve to ds@1
 * while the raw string became an output path.
 */
export function parseVersionRef(ref: string): { name: string; number: number | undefined } {
  const m = /^([^@]+)(?:@(\d{1,9}))?$/.exec(ref);
  if (!m) throw new AppError("BAD_INPUT", `Invalid dataset version '${ref.slice(0, 200)}': use NAME or NAME@NUMBER.`);
  return { name: checkDatasetName(m[1]!), number: m[2] === undefined ? undefined : Number(m[2]) };
}

export async function resolveVersion(db: Db, ref: string) {
  const { name, number } = parseVersionRef(ref);
  const d = await findDataset(db, name);
  const v = await db.prisma.datasetVersion.findFirst({
    where: { datasetId: d.id, ...(number !== undefined ? { number } : {}) },
    orderBy: { number: "desc" },
    select: { id: true, number: true, name: true, notes: true, createdAt: true, author: { select: { name: true } } },
  });
  if (!v)
    throw new AppError(
      "NOT_FOUND",
      number !== undefined
        ? `Dataset '${d.name}' has no version ${number}.`
        : `Dataset '${d.name}' has no published version yet.`,
    );
  return { dataset: d, version: v };
}

export interface VersionDiff {
  added: Array<{ externalId: string; revisionId: number }>;
  removed: Array<{ externalId: string; revisionId: number }>;
  changed: Array<{ externalId: string; from: number; to: number }>;
}

export async function diffVersions({
  db,
  dataset,
  from,
  to,
}: {
  db: Db;
  dataset: string;
  from: number;
  to: number;
}): Promise<VersionDiff> {
  const a = await resolveVersion(db, `${dataset}@${from}`);
  const b = await resolveVersion(db, `${dataset}@${to}`);
  const rows = await db.prisma.$queryRaw<Array<{ external_id: string; a: number | null; b: number | null }>>`
    select t.external_id, ia.revision_id as a, ib.revision_id as b
    from (select task_id, revision_id from dataset_version_items where version_id = ${a.version.id}::int) ia
    full join (select task_id, revision_id from dataset_version_items where version_id = ${b.version.id}::int) ib on ia.task_id = ib.task_id
    join tasks t on t.id = coalesce(ia.task_id, ib.task_id)
    where ia.revision_id is distinct from ib.revision_id
    order by t.external_id`;
  return {
    added: rows.filter((r) => r.a === null).map((r) => ({ externalId: r.external_id, revisionId: r.b! })),
    removed: rows.filter((r) => r.b === null).map((r) => ({ externalId: r.external_id, revisionId: r.a! })),
    changed: rows
      .filter((r) => r.a !== null && r.b !== null)
      .map((r) => ({ externalId: r.external_id, from: r.a!, to: r.b! })),
  };
}

export interface VersionRow {
  externalId: string;
  environment: string;
  revisionId: number;
  revisionNumber: number;
  instruction: string;
  verifier: string;
  solution: string;
  failureCases: string[];
  metadata: unknown;
  verdict: { status: string; reason?: string | null; packHash?: string | null; cases?: unknown[] };
  packHash: string | null;
  review: ExportReview;
  /** The exported revision's latest strength check in numbers (null: not checked). */
  strength: StrengthSummary | null;
}

/** The rows of a published version, page by page in task order: bounded memory for any size. */
export async function* readVersionRows(db: Db, versionId: number, pageSize = 2000): AsyncGenerator<VersionRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db.prisma.$queryRaw<
      Array<
        Omit<VersionRow, "strength"> & {
          taskId: number;
          variants: number | null;
          leaks: number | null;
          flaky: boolean | null;
          unread_writes: unknown;
        }
      >
    >`
      select i.task_id as "taskId", t.external_id as "externalId", e.name as environment, r.id as "revisionId", r.number as "revisionNumber",
             r.instruction, r.verifier, r.solution, coalesce(r.failure_cases, '{}') as "failureCases", r.metadata, i.verdict, i.pack_hash as "packHash",
             coalesce(i.review, jsonb_build_object('status', 'approved', 'revision', r.number, 'stale', false, 'override', null)) as review,
             sc.variants, sc.leaks, sc.flaky, sc.unread_writes
      from dataset_version_items i
      join tasks t on t.id = i.task_id
      join environments e on e.id = t.environment_id
      join task_revisions r on r.id = i.revision_id
      -- the exported revision's latest finished check, in the same query (the revision_id index)
      left join lateral (
        select s.variants, s.leaks, s.flaky, s.unread_writes from strength_checks s
        where s.revision_id = r.id and s.status = 'done' order by s.id desc limit 1
      ) sc on true
      where i.version_id = ${versionId}::int and i.task_id > ${after}::int
      order by i.task_id
      limit ${pageSize}::int`;
    if (rows.length)
      yield rows.map(({ variants, leaks, flaky, unread_writes, ...r }) => ({
        ...r,
        strength: strengthSummary({ variants, leaks, flaky, unread_writes }),
      }));
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.taskId;
  }
}
