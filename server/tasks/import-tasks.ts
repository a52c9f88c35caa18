// Imports a task file as one batch. Lines are parsed as they stream in and committed in chunks, each
// chunk in its own transaction: a valid line is never lost to a bad one, a bad line is reported with
// its number and field, and a crash leaves whole chunks or nothing.
import { createHash } from "node:crypto";
import { LIMITS, type CatTask, type LineError } from "@/lib/cat";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { detectFormat, parseJsonl, parseTagged, type ParsedItem, type TaskFileFormat } from "./parse-tasks";

export interface ImportProgress {
  bytesRead: number;
  linesRead: number;
  created: number;
  revised: number;
  unchanged: number;
  errorCount: number;
}

export interface ImportSummary extends ImportProgress {
  batch: { id: number; name: string };
  format: TaskFileFormat;
  status: "done" | "failed";
  /** Why the whole file was refused (empty, not a task file), when it was. */
  failure?: string;
  errors: LineError[];
}

export interface ImportTasksOptions {
  db: Db;
  /** The file's bytes (strings are taken as UTF-8). */
  source: AsyncIterable<Uint8Array | string>;
  fileName?: string;
  batchName?: string;
  format?: TaskFileFormat;
  /** Environment for tagged-text tasks that carry no <environment> tag. */
  defaultEnvironment?: string;
  userId?: number;
  onProgress?: (progress: ImportProgress) => void;
}

const CHUNK = 500;
/** With this many errors and not one valid task, the file is not a task file: stop reading it. */
const GIVE_UP_AFTER = 200;

export function hashTaskContent(t: Pick<CatTask, "instruction" | "verifier" | "solution" | "failure_cases" | "metadata">): string {
  return createHash("sha256")
    .update(JSON.stringify([t.instruction, t.verifier, t.solution, t.failure_cases, t.metadata ?? null]))
    .digest("hex");
}

function defaultBatchName(fileName: string | undefined): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const base = (fileName ?? "import").replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "-").slice(0, 60) || "import";
  return `${base}-${stamp}`;
}

export const batchNameSchemaMessage = "batch names are 1-100 characters: letters, digits, '.', '_', '-', ' '";
export function checkBatchName(name: string): string {
  const trimmed = name.trim();
  if (!/^[\w.\- ]{1,100}$/.test(trimmed)) throw new AppError("BAD_INPUT", `Invalid batch name '${name}': ${batchNameSchemaMessage}`);
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
  if (await db.prisma.importBatch.findUnique({ where: { name }, select: { id: true } })) {
    throw new AppError("CONFLICT", `A batch named '${name}' already exists; choose another name (re-importing the same tasks into a new batch only adds revisions where content changed).`);
  }
  const counter = { bytes: 0 };
  const { first, rest } = await peek(countBytes(opts.source, counter));
  const format = opts.format ?? detectFormat(opts.fileName, first);
  const batch = await db.prisma.importBatch.create({
    data: { name, fileName: opts.fileName ?? null, format, createdById: userId },
    select: { id: true, name: true },
  });

  const environments = new Map((await db.prisma.environment.findMany({ select: { id: true, name: true } })).map((e) => [e.name, e.id]));
  const progress: ImportProgress = { bytesRead: 0, linesRead: 0, created: 0, revised: 0, unchanged: 0, errorCount: 0 };
  const errors: LineError[] = [];
  let valid = 0;
  let failure: string | undefined;
  const addErrors = (list: LineError[]) => {
    progress.errorCount += 1;
    for (const e of list) if (errors.length < LIMITS.keptErrors) errors.push(e);
  };

  let chunk: Array<{ line: number; task: CatTask; environmentId: number; externalId: string; hash: string }> = [];
  let keys = new Set<string>();
  const flush = async () => {
    if (!chunk.length) return;
    const counts = await commitChunk(db, batch.id, userId, chunk);
    progress.created += counts.created;
    progress.revised += counts.revised;
    progress.unchanged += counts.unchanged;
    chunk = [];
    keys = new Set();
    progress.bytesRead = counter.bytes;
    await db.prisma.importBatch.update({ where: { id: batch.id }, data: progressColumns(progress, errors) });
    opts.onProgress?.({ ...progress });
  };

  try {
    const items: AsyncIterable<ParsedItem> = format === "tagged" ? parseTagged(rest, opts.defaultEnvironment) : parseJsonl(rest);
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
        addErrors([{ line, field: "environment", message: `unknown environment '${task.environment}' (known: ${known})` }]);
        continue;
      }
      valid += 1;
      const hash = hashTaskContent(task);
      const externalId = task.id ?? `auto-${hash.slice(0, 16)}`;
      const key = `${environmentId}\u0000${externalId}`;
      // The same task twice in one chunk: commit the first before the second becomes its revision.
      if (keys.has(key) || chunk.length >= CHUNK) await flush();
      keys.add(key);
      chunk.push({ line, task, environmentId, externalId, hash });
    }
    if (!failure) await flush();
    if (!failure && progress.linesRead === 0 && valid === 0 && progress.errorCount === 0) failure = "The file is empty: no tasks found.";
  } catch (err) {
    failure = err instanceof AppError ? err.message : `Import stopped: ${(err as Error).message}`;
    if (!(err instanceof AppError)) console.error("[import] batch", batch.id, err);
  }

  progress.bytesRead = counter.bytes;
  const status = failure ? "failed" : "done";
  await db.prisma.importBatch.update({
    where: { id: batch.id },
    data: { ...progressColumns(progress, errors), status, failure: failure ?? null, finishedAt: new Date() },
  });
  opts.onProgress?.({ ...progress });
  return { batch, format, status, failure, errors, ...progress };
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
  batchId: number,
  userId: number,
  chunk: Array<{ task: CatTask; environmentId: number; externalId: string; hash: string }>,
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
          byKey.set(`${t.environment_id}\u0000${t.external_id}`, { ...t, revision_count: 0, current_revision_id: null, content_hash: null });
        }
      }

      const writes = chunk
        .map((c) => ({ c, prior: byKey.get(`${c.environmentId}\u0000${c.externalId}`)! }))
        .filter(({ c, prior }) => prior.content_hash !== c.hash);
      const unchanged = chunk.length - writes.length;
      if (writes.length) {
        const revisions = await tx.$queryRaw<Array<{ id: number; task_id: number; number: number }>>`
          insert into task_revisions (task_id, number, instruction, verifier, solution, failure_cases, metadata, content_hash, search_text, source, author_id, batch_id, parent_revision_id, created_at)
          select task_id, num, instr, ver, sol, array(select jsonb_array_elements_text(fc::jsonb)), md::json, hash,
                 instr || E'\n' || ver || E'\n' || sol || E'\n' || coalesce((select string_agg(x, E'\n') from jsonb_array_elements_text(fc::jsonb) x), ''),
                 'import', ${userId}::int, ${batchId}::int, parent, now()
          from unnest(
            ${writes.map((w) => w.prior.id)}::int[], ${writes.map((w) => w.prior.revision_count + 1)}::int[],
            ${writes.map((w) => w.c.task.instruction)}::text[], ${writes.map((w) => w.c.task.verifier)}::text[],
            ${writes.map((w) => w.c.task.solution)}::text[], ${writes.map((w) => JSON.stringify(w.c.task.failure_cases))}::text[],
            ${writes.map((w) => (w.c.task.metadata === undefined ? null : JSON.stringify(w.c.task.metadata)))}::text[],
            ${writes.map((w) => w.c.hash)}::text[], ${writes.map((w) => w.prior.current_revision_id)}::int[]
          ) as k(task_id, num, instr, ver, sol, fc, md, hash, parent)
          returning id, task_id, number`;
        // A new revision resets the verdict: it has not been run yet.
        await tx.$executeRaw`
          update tasks t set current_revision_id = k.rev, revision_count = k.num, verdict_status = 'pending', verdict_reason = null, updated_at = now()
          from unnest(${revisions.map((r) => r.task_id)}::int[], ${revisions.map((r) => r.id)}::int[], ${revisions.map((r) => r.number)}::int[]) as k(task_id, rev, num)
          where t.id = k.task_id`;
      }
      const created = writes.filter((w) => w.prior.revision_count === 0).length;
      return { created, revised: writes.length - created, unchanged };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
