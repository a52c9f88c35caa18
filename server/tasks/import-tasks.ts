// Imports a task file as one batch. Lines are parsed as they stream in and committed in chunks, each
// chunk in its own transaction: a valid line is never lost to a bad one, a bad line is reported with
// its number and field, and a crash leaves whole chunks or nothing.
import pg from "pg";
import { LIMITS, type CatTask, type LineError } from "@/lib/cat";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { requestRerun } from "../filter/request-rerun";
import { SUPERSEDE_REVIEW } from "../review/review-state";
import { hashTaskContent, searchTextOf } from "./task-content";
import { detectFormat, parseJsonl, parseTagged, type ParsedItem, type TaskFileFormat } from "./parse-tasks";

interface ImportProgress {
  bytesRead: number;
  linesRead: number;
  created: number;
  revised: number;
  unchanged: number;
  errorCount: number;
}

export interface ImportSummary extends ImportProgress {
  importId: number;
  /** The batch the import appended to; id null when it kept no task (then no batch was created). */
  batch: { id: number | null; name: string };
  format: TaskFileFormat;
  status: "done" | "failed";
  /** Why the whole file was refused (empty, not a task file), when it was. */
  failure?: string;
  errors: LineError[];
  /** The filter run queued for the tasks this import created or revised (runFilter). */
  rerun?: { rerunId: number; taskCount: number } | null;
}

export interface ImportTasksOptions {
  db: Db;
  /** The file's bytes (strings are taken as UTF-8). */
  source: AsyncIterable<Uint8Array | string>;
  fileName?: string;
  /** A new or existing batch: an import into an existing batch appends to it. */
  batchName?: string;
  format?: TaskFileFormat;
  /** Environment for tagged-text tasks that carry no <environment> tag. */
  defaultEnvironment?: string;
  userId?: number;
  /** Queue the CaT filter for the tasks this import created or revised. */
  runFilter?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

const CHUNK = 500;
/** With this many errors and not one valid task, the file is not a task file: stop reading it. */
const GIVE_UP_AFTER = 200;
/** Advisory-lock namespace held by a live import (its row id), so a dead one can be told apart. */
const IMPORT_LOCK = 7283;

function defaultBatchName(fileName: string | undefined): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const base =
    (fileName ?? "import")
      .replace(/\.[^.]*$/, "")
      .replace(/[^\w.-]+/g, "-")
      .slice(0, 60) || "import";
  return `${base}-${stamp}`;
}

const batchNameSchemaMessage = "batch names are 1-100 characters: letters, digits, '.', '_', '-', ' '";
function checkBatchName(name: string): string {
  const trimmed = name.trim();
  if (!/^[\w.\- ]{1,100}$/.test(trimmed))
    throw new AppError("BAD_INPUT", `Invalid batch name '${name}': ${batchNameSchemaMessage}`);
  return trimmed;
}

async function* countBytes(source: AsyncIterable<Uint8Array | string>, counter: { bytes: number }) {
  for await (const chunk of source) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    counter.bytes += bytes.byteLength;
    yield bytes;
  }
}

/** Peeks at the first bytes to detect the format, then replays them. */
async function peek(source: AsyncIterable<Uint8Array>): Promise<{ first: Buffer; rest: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const head = await it.next();
  const first = head.done ? Buffer.alloc(0) : Buffer.from(head.value);
  return {
    first,
    rest: (async function* () {
      if (!head.done) yield head.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
  };
}

export async function importTasks(opts: ImportTasksOptions): Promise<ImportSummary> {
  const { db } = opts;
  const userId = opts.userId ?? db.defaultUserId;
  const name = opts.batchName ? checkBatchName(opts.batchName) : defaultBatchName(opts.fileName);
  const counter = { bytes: 0 };
  const { first, rest } = await peek(countBytes(opts.source, counter));
  const format = opts.format ?? detectFormat(opts.fileName, first);
  const record = await db.prisma.import.create({
    data: { batchName: name, fileName: opts.fileName ?? null, format, createdById: userId },
    select: { id: true },
  });
  // Held on a connection of its own (outside the pool, which concurrent imports would otherwise
  // drain) for as long as this import runs: when the process dies, the connection and the lock go
  // with it, and the next look at the imports knows this one was interrupted.
  const lock = new pg.Client({ connectionString: db.url, application_name: "cat-curator import lock" });
  lock.on("error", () => undefined);
  await lock.connect();
  try {
    await lock.query("select pg_advisory_lock($1, $2)", [IMPORT_LOCK, record.id]);
    return await runImport(opts, { importId: record.id, name, format, userId, first, rest, counter });
  } finally {
    await lock.end().catch(() => undefined);
  }
}

async function runImport(
  opts: ImportTasksOptions,
  ctx: {
    importId: number;
    name: string;
    format: TaskFileFormat;
    userId: number;
    first: Buffer;
    rest: AsyncIterable<Uint8Array>;
    counter: { bytes: number };
  },
): Promise<ImportSummary> {
  const { db } = opts;
  const { importId, name, format, userId, rest, counter } = ctx;
  const environments = new Map(
    (await db.prisma.environment.findMany({ select: { id: true, name: true } })).map((e) => [e.name, e.id]),
  );
  const progress: ImportProgress = { bytesRead: 0, linesRead: 0, created: 0, revised: 0, unchanged: 0, errorCount: 0 };
  const errors: LineError[] = [];
  let batchId: number | null = null;
  let valid = 0;
  let failure: string | undefined;
  const addErrors = (list: LineError[]) => {
    progress.errorCount += 1;
    for (const e of list) if (errors.length < LIMITS.keptErrors) errors.push(e);
  };

  let chunk: PendingTask[] = [];
  let keys = new Set<string>();
  const flush = async () => {
    if (!chunk.length) return;
    // The batch comes into being with the first task kept, shared by concurrent imports of one name.
    batchId ??= await ensureBatch(db, importId, name, userId);
    const counts = await commitChunk(db, { batchId, importId, userId }, chunk);
    progress.created += counts.created;
    progress.revised += counts.revised;
    progress.unchanged += counts.unchanged;
    chunk = [];
    keys = new Set();
    progress.bytesRead = counter.bytes;
    await db.prisma.import.update({ where: { id: importId }, data: progressColumns(progress, errors) });
    opts.onProgress?.({ ...progress });
  };

  try {
    const items: AsyncIterable<ParsedItem> =
      format === "tagged" ? parseTagged(rest, opts.defaultEnvironment) : parseJsonl(rest);
    for await (const item of items) {
      progress.linesRead = item.line;
      if ("errors" in item) {
        addErrors(item.errors);
        if (valid === 0 && progress.errorCount >= GIVE_UP_AFTER) {
          failure = `This does not look like a ${format === "tagged" ? "tagged-text" : "CaT JSON Lines"} file: the first ${progress.errorCount} entries are all invalid (see line errors). Nothing was imported.`;
          break;
        }
        continue;
      }
      const { task, line } = item;
      const environmentId = environments.get(task.environment);
      if (environmentId === undefined) {
        const known = [...environments.keys()].join(", ") || "none registered yet";
        addErrors([
          { line, field: "environment", message: `unknown environment '${task.environment}' (known: ${known})` },
        ]);
        continue;
      }
      valid += 1;
      const content = {
        instruction: task.instruction,
        verifier: task.verifier,
        solution: task.solution,
        failureCases: task.failure_cases,
      };
      const hash = hashTaskContent(content, task.metadata);
      const externalId = task.id ?? `auto-${hash.slice(0, 16)}`;
      const key = `${environmentId}\u0000${externalId}`;
      // The same task twice in one chunk: commit the first before the second becomes its revision.
      if (keys.has(key) || chunk.length >= CHUNK) await flush();
      keys.add(key);
      chunk.push({ line, task, environmentId, externalId, hash, searchText: searchTextOf(content) });
    }
    if (!failure) await flush();
    if (!failure && progress.linesRead === 0 && valid === 0 && progress.errorCount === 0)
      failure = "The file is empty: no tasks found.";
  } catch (err) {
    failure = err instanceof AppError ? err.message : `Import stopped: ${(err as Error).message}`;
    if (!(err instanceof AppError)) console.error("[import]", importId, err);
  }

  progress.bytesRead = counter.bytes;
  const status = failure ? "failed" : "done";
  await db.prisma.import.update({
    where: { id: importId },
    data: { ...progressColumns(progress, errors), status, failure: failure ?? null, finishedAt: new Date() },
  });
  opts.onProgress?.({ ...progress });
  let rerun: ImportSummary["rerun"] = null;
  if (opts.runFilter && progress.created + progress.revised > 0) {
    rerun = await requestRerun({ db, userId, importId, scope: `import into ${name}` });
  }
  return { importId, batch: { id: batchId, name }, format, status, failure, errors, rerun, ...progress };
}

async function ensureBatch(db: Db, importId: number, name: string, userId: number): Promise<number> {
  await db.prisma
    .$executeRaw`insert into import_batches (name, created_by_id, created_at) values (${name}, ${userId}::int, now()) on conflict (name) do nothing`;
  const batch = await db.prisma.importBatch.findUniqueOrThrow({ where: { name }, select: { id: true } });
  await db.prisma.import.update({ where: { id: importId }, data: { batchId: batch.id } });
  return batch.id;
}

/**
 * Imports whose process died (kill -9, a crash) stay `running` forever unless someone notices:
 * every running import whose advisory lock is free has no live process. It is marked interrupted and
 * its counts are recounted from the revisions it wrote (what it committed is kept). Safe to call
 * from any process at any time; the web server calls it at start-up and when listing imports.
 */
export async function markInterruptedImports({ db }: { db: Db }): Promise<number> {
  const running = await db.prisma.import.findMany({ where: { status: "running" }, select: { id: true } });
  if (!running.length) return 0;
  const client = await db.pool.connect();
  let marked = 0;
  try {
    for (const { id } of running) {
      const { rows } = await client.query<{ free: boolean }>("select pg_try_advisory_lock($1, $2) as free", [
        IMPORT_LOCK,
        id,
      ]);
      if (!rows[0]?.free) continue; // a live process holds it
      try {
        const n = await db.prisma.$executeRaw`
          update imports i set status = 'interrupted', finished_at = now(),
                 failure = 'The import was interrupted (its process stopped). Everything it committed is kept; import the file again into the same batch to finish it.',
                 created_count = (select count(*) from task_revisions r where r.import_id = i.id and r.number = 1),
                 revised_count = (select count(*) from task_revisions r where r.import_id = i.id and r.number > 1)
          where i.id = ${id}::int and i.status = 'running'`;
        marked += n;
      } finally {
        await client.query("select pg_advisory_unlock($1, $2)", [IMPORT_LOCK, id]);
      }
    }
  } finally {
    client.release();
  }
  return marked;
}

function progressColumns(p: ImportProgress, errors: LineError[]) {
  return {
    linesRead: p.linesRead,
    createdCount: p.created,
    revisedCount: p.revised,
    unchangedCount: p.unchanged,
    errorCount: p.errorCount,
    errors: errors as unknown as Prisma.InputJsonValue,
  };
}

interface PendingTask {
  line: number;
  task: CatTask;
  environmentId: number;
  externalId: string;
  hash: string;
  searchText: string;
}

interface ExistingTask {
  id: number;
  environment_id: number;
  external_id: string;
  revision_count: number;
  current_revision_id: number | null;
  content_hash: string | null;
}

async function commitChunk(
  db: Db,
  { batchId, importId, userId }: { batchId: number; importId: number; userId: number },
  chunk: PendingTask[],
): Promise<{ created: number; revised: number; unchanged: number }> {
  return db.prisma.$transaction(
    async (tx) => {
      // Serialise writers per environment so two imports of the same ids cannot race on the unique key.
      for (const envId of [...new Set(chunk.map((c) => c.environmentId))].sort()) {
        await tx.$executeRaw`select pg_advisory_xact_lock(7281, ${envId}::int)`;
      }
      const existing = await tx.$queryRaw<ExistingTask[]>`
        select t.id, t.environment_id, t.external_id, t.revision_count, t.current_revision_id, r.content_hash
        from tasks t
        join unnest(${chunk.map((c) => c.environmentId)}::int[], ${chunk.map((c) => c.externalId)}::text[]) as k(env, ext)
          on t.environment_id = k.env and t.external_id = k.ext
        left join task_revisions r on r.id = t.current_revision_id`;
      const byKey = new Map(existing.map((e) => [`${e.environment_id}\u0000${e.external_id}`, e]));

      const fresh = chunk.filter((c) => !byKey.has(`${c.environmentId}\u0000${c.externalId}`));
      if (fresh.length) {
        const inserted = await tx.$queryRaw<Array<{ id: number; environment_id: number; external_id: string }>>`
          insert into tasks (external_id, environment_id, batch_id, created_at, updated_at)
          select ext, env, ${batchId}::int, now(), now()
          from unnest(${fresh.map((c) => c.externalId)}::text[], ${fresh.map((c) => c.environmentId)}::int[]) with ordinality as k(ext, env, ord)
          order by ord
          returning id, environment_id, external_id`;
        for (const t of inserted) {
          byKey.set(`${t.environment_id}\u0000${t.external_id}`, {
            ...t,
            revision_count: 0,
            current_revision_id: null,
            content_hash: null,
          });
        }
      }

      const writes = chunk
        .map((c) => ({ c, prior: byKey.get(`${c.environmentId}\u0000${c.externalId}`)! }))
        .filter(({ c, prior }) => prior.content_hash !== c.hash);
      const unchanged = chunk.length - writes.length;
      if (writes.length) {
        const revisions = await tx.$queryRaw<Array<{ id: number; task_id: number; number: number }>>`
          insert into task_revisions (task_id, number, instruction, verifier, solution, failure_cases, metadata, content_hash, search_text, source, author_id, batch_id, import_id, parent_revision_id, created_at)
          select task_id, num, instr, ver, sol, array(select jsonb_array_elements_text(fc::jsonb)), md::json, hash, search,
                 'import', ${userId}::int, ${batchId}::int, ${importId}::int, parent, now()
          from unnest(
            ${writes.map((w) => w.prior.id)}::int[], ${writes.map((w) => w.prior.revision_count + 1)}::int[],
            ${writes.map((w) => w.c.task.instruction)}::text[], ${writes.map((w) => w.c.task.verifier)}::text[],
            ${writes.map((w) => w.c.task.solution)}::text[], ${writes.map((w) => JSON.stringify(w.c.task.failure_cases))}::text[],
            ${writes.map((w) => (w.c.task.metadata === undefined ? null : JSON.stringify(w.c.task.metadata)))}::text[],
            ${writes.map((w) => w.c.hash)}::text[], ${writes.map((w) => w.c.searchText)}::text[], ${writes.map((w) => w.prior.current_revision_id)}::int[]
          ) as k(task_id, num, instr, ver, sol, fc, md, hash, search, parent)
          returning id, task_id, number`;
        // A new revision resets the verdict (it has not been run yet) and the review (a decision is
        // about the revision it was made on; the superseded one is marked stale).
        await tx.$executeRaw`
          update tasks t set current_revision_id = k.rev, revision_count = k.num, verdict_status = 'pending', verdict_reason = null,
                 ${SUPERSEDE_REVIEW}, updated_at = now()
          from unnest(${revisions.map((r) => r.task_id)}::int[], ${revisions.map((r) => r.id)}::int[], ${revisions.map((r) => r.number)}::int[]) as k(task_id, rev, num)
          where t.id = k.task_id`;
        // Every task this import created or revised belongs to its batch.
        await tx.$executeRaw`
          insert into task_batches (task_id, batch_id, created_at)
          select task_id, ${batchId}::int, now() from unnest(${revisions.map((r) => r.task_id)}::int[]) as task_id
          on conflict do nothing`;
      }
      const created = writes.filter((w) => w.prior.revision_count === 0).length;
      return { created, revised: writes.length - created, unchanged };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
