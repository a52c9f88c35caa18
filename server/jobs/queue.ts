// The job queue: rows that users see (a filter run, a dataset export) are their own jobs. Enqueueing
// is inserting the row as `queued`; a worker claims rows with FOR UPDATE SKIP LOCKED, holds a lease
// it renews while the work is alive, and writes the outcome only while it still holds the row (a
// fence on worker_id). A dead worker's lease lapses within seconds and another worker takes the row
// over; a live worker's never does, so a job never runs twice at once. No second store, no jobs to
// lose between a row and its job, and one INSERT … SELECT enqueues a million runs. Every statement
// here goes through pg itself (queryRows): they are the queue's hot path, and Prisma's query
// compiler cost more CPU than the statements.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { Prisma } from "../db/generated/client";
import { queryRows, type Db } from "../db/client";

/** The tables that are queues; each has status, attempts, worker_id, lease_until and started_at. */
export type QueueTable = "filter_runs" | "dataset_exports" | "strength_checks";

const ORDER: Record<QueueTable, Prisma.Sql> = {
  // Higher priority first: request-rerun.ts hands out priorities so that reruns interleave.
  filter_runs: Prisma.sql`priority desc, id`,
  dataset_exports: Prisma.sql`id`,
  strength_checks: Prisma.sql`id`,
};

/**
 * Queued rows of these tables are claimed only while this holds: strength checks are lower in
 * priority than any filter run, so they wait while one is queued or running anywhere.
 */
const CLAIM_WHEN: Partial<Record<QueueTable, Prisma.Sql>> = {
  strength_checks: Prisma.sql`and not exists (select 1 from filter_runs where status in ('queued', 'running'))`,
};

/** Postgres channel that wakes idle workers when rows are enqueued (polling is the fallback). */
export const JOB_CHANNEL = "cat_jobs";

/** A name for this worker process, unique across machines: it fences every write of a claimed row. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

export interface ClaimedRow {
  id: number;
  /** Claims of this row so far, this one included (a takeover after a dead worker counts). */
  attempts: number;
}

/**
 * Claims up to `limit` rows: first running rows whose lease lapsed (their worker died), then queued
 * rows in queue order. Each claim is one short statement; nothing is held open while the work runs.
 * `takeOver: false` skips the first statement: a busy worker looks for dead workers' rows only now
 * and then (a lease is seconds long anyway), not on every claim.
 */
export async function claimRows(
  db: Db,
  table: QueueTable,
  workerId: string,
  limit: number,
  leaseSeconds: number,
  { takeOver = true }: { takeOver?: boolean } = {},
): Promise<ClaimedRow[]> {
  if (limit <= 0) return [];
  const t = Prisma.raw(table);
  const claim = (status: "queued" | "running", order: Prisma.Sql, n: number) =>
    queryRows<ClaimedRow>(
      db,
      Prisma.sql`
    update ${t} j set status = 'running', worker_id = ${workerId}, lease_until = now() + make_interval(secs => ${leaseSeconds}::int),
                      attempts = j.attempts + 1, started_at = coalesce(j.started_at, now())
    from (select id from ${t} where status = ${status}::"RunStatus" ${status === "running" ? Prisma.sql`and lease_until < now()` : (CLAIM_WHEN[table] ?? Prisma.empty)}
          order by ${order} limit ${n}::int for update skip locked) c
    where j.id = c.id
    returning j.id, j.attempts`,
    );
  const taken = takeOver ? await claim("running", Prisma.sql`lease_until`, limit) : [];
  return taken.length < limit ? [...taken, ...(await claim("queued", ORDER[table], limit - taken.length))] : taken;
}

/** Extends the lease of the rows this worker still holds; returns those ids (the others were lost). */
export async function renewLeases(
  db: Db,
  table: QueueTable,
  workerId: string,
  ids: number[],
  leaseSeconds: number,
): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await queryRows<{ id: number }>(
    db,
    Prisma.sql`
    update ${Prisma.raw(table)} set lease_until = now() + make_interval(secs => ${leaseSeconds}::int)
    where id = any(${ids}::int[]) and worker_id = ${workerId} and status = 'running'
    returning id`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Puts a claimed row back in the queue. `countAttempt: false` when the machine could not do the work
 * (no sandbox here), which says nothing about the row; true after an unexpected error, so a row that
 * keeps failing ends as failed after the job's maxAttempts.
 */
export async function requeueRow(
  db: Db,
  table: QueueTable,
  workerId: string,
  id: number,
  { countAttempt, note }: { countAttempt: boolean; note?: string },
): Promise<void> {
  await queryRows(
    db,
    Prisma.sql`
    update ${Prisma.raw(table)} set status = 'queued', worker_id = null, lease_until = null,
           attempts = ${countAttempt ? Prisma.sql`attempts` : Prisma.sql`greatest(attempts - 1, 0)`}, error = ${note ?? null}
    where id = ${id}::int and worker_id = ${workerId} and status = 'running'`,
  );
}

/** Ends a claimed row as failed (only while this worker holds it). */
export async function failRow(
  db: Db,
  table: QueueTable,
  workerId: string,
  id: number,
  error: string,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    update ${Prisma.raw(table)} set status = 'failed', error = ${error}, finished_at = now(), worker_id = null, lease_until = null
    where id = ${id}::int and worker_id = ${workerId} and status = 'running'
    returning id`,
  );
  return rows.length > 0;
}

/** Wakes idle workers (after the rows are committed, so they can see them). */
export async function notifyWorkers(db: Db, table: QueueTable): Promise<void> {
  await db.pool.query("select pg_notify($1, $2)", [JOB_CHANNEL, table]).catch(() => undefined);
}

// --- workers ---------------------------------------------------------------------------------

/** What a worker says about itself with each heartbeat (listed by /api/health). */
export interface WorkerBeat {
  id: string;
  concurrency: number;
  /** Why it takes no filter runs; null when it takes them. */
  sandboxProblem: string | null;
}

/** Records that the worker is alive, and forgets workers silent for a day (their rows only inform). */
export async function beatWorker(db: Db, beat: WorkerBeat): Promise<void> {
  await queryRows(
    db,
    Prisma.sql`
    insert into workers (id, host, pid, concurrency, sandbox_problem, started_at, seen_at)
    values (${beat.id}, ${os.hostname()}, ${process.pid}::int, ${beat.concurrency}::int, ${beat.sandboxProblem}, now(), now())
    on conflict (id) do update set concurrency = excluded.concurrency, sandbox_problem = excluded.sandbox_problem, seen_at = now()`,
  );
  await queryRows(db, Prisma.sql`delete from workers where seen_at < now() - interval '1 day'`);
}

export async function forgetWorker(db: Db, id: string): Promise<void> {
  await queryRows(db, Prisma.sql`delete from workers where id = ${id}`);
}

export interface WorkerStatus {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  takesFilterRuns: boolean;
  sandboxProblem: string | null;
  /** False once its heartbeats stopped for longer than a lease: it died or lost the database. */
  alive: boolean;
  startedAt: string;
  seenAt: string;
}

/** Every worker seen in the last day, newest first. */
export async function listWorkers(db: Db, leaseSeconds: number): Promise<WorkerStatus[]> {
  const rows = await queryRows<{
    id: string;
    host: string;
    pid: number;
    concurrency: number;
    sandbox_problem: string | null;
    alive: boolean;
    started_at: Date;
    seen_at: Date;
  }>(
    db,
    Prisma.sql`
    select id, host, pid, concurrency, sandbox_problem, seen_at > now() - make_interval(secs => ${leaseSeconds}::int) as alive, started_at, seen_at
    from workers order by seen_at desc, id`,
  );
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    concurrency: r.concurrency,
    takesFilterRuns: r.alive && r.sandbox_problem === null,
    sandboxProblem: r.sandbox_problem,
    alive: r.alive,
    startedAt: r.started_at.toISOString(),
    seenAt: r.seen_at.toISOString(),
  }));
}
