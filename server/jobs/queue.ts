// The job queue: rows that users see (a filter run, a dataset export) are their own jobs. Enqueueing
// is inserting the row as `queued`; a worker claims rows with FOR UPDATE SKIP LOCKED, holds a lease
// it renews while the work is alive, and writes the outcome only while it still holds the row (a
// fence on worker_id). A dead worker's lease lapses within seconds and another worker takes the row
// over; a live worker's never does, so a job never runs twice at once. No second store, no jobs to
// lose between a row and its job, and one INSERT … SELECT enqueues a million runs.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";

/** The tables that are queues; each has status, attempts, worker_id, lease_until and started_at. */
export type QueueTable = "filter_runs" | "dataset_exports";

const ORDER: Record<QueueTable, Prisma.Sql> = {
  // Higher priority first: request-rerun.ts hands out priorities so that reruns interleave.
  filter_runs: Prisma.sql`priority desc, id`,
  dataset_exports: Prisma.sql`id`,
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
 */
export async function claimRows(db: Db, table: QueueTable, workerId: string, limit: number, leaseSeconds: number): Promise<ClaimedRow[]> {
  if (limit <= 0) return [];
  const t = Prisma.raw(table);
  const claim = (status: "queued" | "running", order: Prisma.Sql, n: number) => db.prisma.$queryRaw<ClaimedRow[]>`
    update ${t} j set status = 'running', worker_id = ${workerId}, lease_until = now() + make_interval(secs => ${leaseSeconds}::int),
                      attempts = j.attempts + 1, started_at = coalesce(j.started_at, now())
    from (select id from ${t} where status = ${status}::"RunStatus" ${status === "running" ? Prisma.sql`and lease_until < now()` : Prisma.empty}
          order by ${order} limit ${n}::int for update skip locked) c
    where j.id = c.id
    returning j.id, j.attempts`;
  const taken = await claim("running", Prisma.sql`lease_until`, limit);
  return taken.length < limit ? [...taken, ...(await claim("queued", ORDER[table], limit - taken.length))] : taken;
}

/** Extends the lease of the rows this worker still holds; returns those ids (the others were lost). */
export async function renewLeases(db: Db, table: QueueTable, workerId: string, ids: number[], leaseSeconds: number): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db.prisma.$queryRaw<Array<{ id: number }>>`
    update ${Prisma.raw(table)} set lease_until = now() + make_interval(secs => ${leaseSeconds}::int)
    where id = any(${ids}::int[]) and worker_id = ${workerId} and status = 'running'
    returning id`;
  return new Set(rows.map((r) => r.id));
}

/**
 * Puts a claimed row back in the queue. `countAttempt: false` when the machine could not do the work
 * (no sandbox here), which says nothing about the row; true after an unexpected error, so a row that
 * keeps failing ends as failed after the job's maxAttempts.
 */
export async function requeueRow(db: Db, table: QueueTable, workerId: string, id: number, { countAttempt, note }: { countAttempt: boolean; note?: string }): Promise<void> {
  await db.prisma.$executeRaw`
    update ${Prisma.raw(table)} set status = 'queued', worker_id = null, lease_until = null,
           attempts = ${countAttempt ? Prisma.sql`attempts` : Prisma.sql`greatest(attempts - 1, 0)`}, error = ${note ?? null}
    where id = ${id}::int and worker_id = ${workerId} and status = 'running'`;
}

/** Ends a claimed row as failed (only while this worker holds it). */
export async function failRow(db: Db, table: QueueTable, workerId: string, id: number, error: string): Promise<boolean> {
  const n = await db.prisma.$executeRaw`
    update ${Prisma.raw(table)} set status = 'failed', error = ${error}, finished_at = now(), worker_id = null, lease_until = null
    where id = ${id}::int and worker_id = ${workerId} and status = 'running'`;
  return n > 0;
}

/** Wakes idle workers (after the rows are committed, so they can see them). */
export async function notifyWorkers(db: Db, table: QueueTable): Promise<void> {
  await db.pool.query("select pg_notify($1, $2)", [JOB_CHANNEL, table]).catch(() => undefined);
}
