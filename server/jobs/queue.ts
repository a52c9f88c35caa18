// The job queue: pg-boss on the app's own PostgreSQL, sharing the app's connection pool. Jobs carry
// only row ids; the rows (filter_runs) hold the state users see. Job ids are derived from row ids, so
// enqueuing the same run twice is a no-op.
import PgBoss from "pg-boss";
import type { Db } from "../db/client";
import { serverEnv } from "../env";

export const FILTER_QUEUE = "filter-run";
export const EXPORT_QUEUE = "dataset-export";

export interface FilterJobData {
  runId: number;
}

/** A UUID that encodes a filter run's id: computable in SQL too (see sweepLostRuns). */
export function jobIdForRun(runId: number): string {
  return `00000000-0000-4000-8000-${runId.toString(16).padStart(12, "0")}`;
}
export const JOB_ID_SQL = (runIdColumn: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${runIdColumn}), 12, '0'))::uuid`;

const queues = new WeakMap<Db, Promise<PgBoss>>();

/** The queue for a database, created and started once per process. */
export function getQueue(db: Db): Promise<PgBoss> {
  let q = queues.get(db);
  if (!q) {
    q = (async () => {
      const env = serverEnv();
      const boss = new PgBoss({
        db: { executeSql: (text: string, values: unknown[]) => db.pool.query(text, values) },
        schema: "pgboss",
        // Expiry of jobs whose worker died (SIGKILL, lost machine) is checked this often.
        maintenanceIntervalSeconds: env.jobMaintenanceSeconds,
        monitorStateIntervalSeconds: 60,
        schedule: false,
      });
      boss.on("error", (err: Error) => console.error("[queue]", err.message));
      await boss.start();
      await boss.createQueue(FILTER_QUEUE, { name: FILTER_QUEUE, retryLimit: 2, retryDelay: 1, expireInSeconds: env.jobLeaseSeconds });
      await boss.createQueue(EXPORT_QUEUE, { name: EXPORT_QUEUE, retryLimit: 1, expireInSeconds: 3600 });
      return boss;
    })();
    queues.set(db, q);
    q.catch(() => queues.delete(db));
  }
  return q;
}

export async function stopQueue(db: Db): Promise<void> {
  const q = queues.get(db);
  if (!q) return;
  queues.delete(db);
  const boss = await q.catch(() => undefined);
  await boss?.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
}

/** Enqueues one job per run (in bulk; a run that already has its job keeps it). */
export async function enqueueFilterRuns(db: Db, runIds: number[]): Promise<void> {
  if (!runIds.length) return;
  const boss = await getQueue(db);
  const lease = serverEnv().jobLeaseSeconds;
  for (let i = 0; i < runIds.length; i += 2000) {
    await boss.insert(
      runIds.slice(i, i + 2000).map((runId) => ({ id: jobIdForRun(runId), name: FILTER_QUEUE, data: { runId } satisfies FilterJobData, expireInSeconds: lease, retryLimit: 2 })),
    );
  }
}
