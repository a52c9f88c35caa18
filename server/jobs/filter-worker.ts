// The filter worker: keeps `concurrency` runs in the sandbox at once, fetching jobs as slots free up
// (pg-boss's own work() loop waits a polling interval between jobs even when more are queued). Any
// number of workers on any machine share the queue; a job whose worker dies is retried after its
// lease expires, and the sweeper makes sure no run is left queued without a job or running forever.
import os from "node:os";
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { runFilterJob } from "../filter/run-filter";
import { createSandbox, type Sandbox } from "../sandbox";
import { enqueueFilterRuns, FILTER_QUEUE, getQueue, JOB_ID_SQL, type FilterJobData } from "./queue";

export interface FilterWorker {
  stop(): Promise<void>;
  /** Resolves when no job is in flight and the queue returned nothing on the last fetch. */
  idle(): Promise<void>;
}

export interface StartFilterWorkerOptions {
  db: Db;
  concurrency?: number;
  sandbox?: Sandbox;
  /** Wait between polls of an empty queue. */
  pollMs?: number;
  log?: (line: string) => void;
}

export async function startFilterWorker(opts: StartFilterWorkerOptions): Promise<FilterWorker> {
  const { db } = opts;
  const concurrency = opts.concurrency ?? serverEnv().workerConcurrency ?? Math.max(1, os.availableParallelism());
  const sandbox = opts.sandbox ?? createSandbox({ concurrency });
  const ownsSandbox = !opts.sandbox;
  const pollMs = opts.pollMs ?? 500;
  const log = opts.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const boss = await getQueue(db);
  let stopping = false;
  let inFlight = 0;
  let emptyPolls = 0;
  let wake: (() => void) | undefined;
  const idleWaiters: Array<() => void> = [];

  const runOne = async (job: { id: string; data: FilterJobData; retryCount: number; retryLimit: number }) => {
    try {
      await runFilterJob({ db, sandbox, runId: job.data.runId, lastAttempt: job.retryCount >= job.retryLimit });
      await boss.complete(FILTER_QUEUE, job.id);
    } catch (err) {
      log(`run ${job.data.runId} attempt ${job.retryCount + 1} failed: ${(err as Error).message}`);
      await boss.fail(FILTER_QUEUE, job.id, { message: (err as Error).message }).catch(() => undefined);
    }
  };

  const loop = async () => {
    while (!stopping) {
      const free = concurrency - inFlight;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = await boss.fetch<FilterJobData>(FILTER_QUEUE, { batchSize: free, includeMetadata: true });
          fetched = jobs.length;
          for (const job of jobs) {
            inFlight += 1;
            void runOne(job).finally(() => {
              inFlight -= 1;
              wake?.();
            });
          }
        } catch (err) {
          log(`fetch failed: ${(err as Error).message}`);
        }
      }
      emptyPolls = fetched === 0 ? emptyPolls + 1 : 0;
      if (inFlight === 0 && fetched === 0) idleWaiters.splice(0).forEach((r) => r());
      if (fetched > 0 && inFlight < concurrency) continue;
      // Sleep until a slot frees up or the poll interval passes.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, inFlight < concurrency ? pollMs : 60_000);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  };

  const sweeper = setInterval(() => {
    sweepLostRuns(db).catch((err) => log(`sweep failed: ${(err as Error).message}`));
  }, Math.max(5, serverEnv().jobMaintenanceSeconds) * 1000);
  sweeper.unref();
  await sweepLostRuns(db).catch(() => undefined);
  const running = loop();
  log(`started (concurrency ${concurrency})`);

  return {
    async stop() {
      stopping = true;
      clearInterval(sweeper);
      wake?.();
      await running;
      const until = Date.now() + 30_000;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      if (ownsSandbox) await sandbox.close();
    },
    idle: () => new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

/**
 * Repairs what a crash can leave behind: a run whose job failed for good (its worker kept dying) is
 * marked failed, and a queued or running run whose job is missing (enqueue never happened, or the
 * job was cleaned up) gets its job back. Idempotent; every worker runs it.
 */
export async function sweepLostRuns(db: Db): Promise<{ failed: number; requeued: number }> {
  const failed = await db.prisma.$executeRawUnsafe(`
    update filter_runs f set status = 'failed', finished_at = now(),
           error = coalesce(f.error, 'The worker running this task stopped responding on every attempt (killed, or out of memory).')
    from pgboss.job j
    where f.status in ('queued', 'running') and j.id = ${JOB_ID_SQL("f.id")} and j.state = 'failed'`);
  const missing = await db.prisma.$queryRawUnsafe<Array<{ id: number }>>(`
    select f.id from filter_runs f
    where f.status in ('queued', 'running') and f.created_at < now() - interval '10 seconds'
      and not exists (select 1 from pgboss.job j where j.id = ${JOB_ID_SQL("f.id")})
    limit 10000`);
  if (missing.length) await enqueueFilterRuns(db, missing.map((r) => r.id));
  return { failed, requeued: missing.length };
}
