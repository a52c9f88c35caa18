// One worker loop for every kind of background job (server/jobs/definitions). For each kind it keeps
// its slots full — claiming as many rows as slots are free the moment one frees up, so the sandbox
// never waits for a poll interval — renews the leases of the rows in flight, and sleeps until a
// NOTIFY, a finished job or the poll interval. A machine that cannot run the sandbox claims no
// filter runs at all (they stay queued for a worker that can) and says why.
import os from "node:os";
import type pg from "pg";
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { createSandbox, type Sandbox } from "../sandbox";
import { checkSandbox } from "../sandbox/availability";
import { datasetExportJob } from "./definitions/dataset-export";
import { filterRunJob } from "./definitions/filter-run";
import { claimRows, failRow, JOB_CHANNEL, newWorkerId, renewLeases, requeueRow, type QueueTable } from "./queue";

export type JobOutcome = "done" | "failed" | "cancelled" | "lost" | "released";

export interface JobContext {
  db: Db;
  id: number;
  workerId: string;
  attempts: number;
  sandbox: Sandbox;
}

export interface JobDefinition {
  name: string;
  table: QueueTable;
  /** Claims of one row before it is failed (a worker that dies mid-job costs one). */
  maxAttempts: number;
  /** Rows of this kind one worker works at once. */
  slots(concurrency: number): number;
  needsSandbox: boolean;
  /** Does the work and writes the row's outcome, fenced on ctx.workerId. "released": the machine could not. */
  handle(ctx: JobContext): Promise<JobOutcome>;
}

export const JOBS: JobDefinition[] = [filterRunJob, datasetExportJob];

export interface WorkerHandle {
  id: string;
  /** Why this worker takes no filter runs, when it cannot run the sandbox. */
  sandboxProblem(): string | null;
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  db: Db;
  jobs?: JobDefinition[];
  concurrency?: number;
  sandbox?: Sandbox;
  /** The interpreter (default CAT_PYTHON, else /usr/bin/python3). */
  python?: string;
  /** Poll interval when idle (NOTIFY usually wakes the worker first). */
  pollMs?: number;
  log?: (line: string) => void;
}

export async function startWorker(opts: StartWorkerOptions): Promise<WorkerHandle> {
  const { db } = opts;
  const env = serverEnv();
  const concurrency = opts.concurrency ?? env.workerConcurrency ?? Math.max(1, os.availableParallelism());
  const python = opts.python ?? env.python;
  const sandbox = opts.sandbox ?? createSandbox({ concurrency, python });
  const ownsSandbox = !opts.sandbox;
  const pollMs = opts.pollMs ?? 1000;
  const lease = env.jobLeaseSeconds;
  const log = opts.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const workerId = newWorkerId();
  const jobs = opts.jobs ?? JOBS;
  let stopping = false;
  let wake: (() => void) | undefined;
  const nudge = () => wake?.();
  const inFlight = new Map<JobDefinition, Map<number, Promise<void>>>(jobs.map((j) => [j, new Map()]));

  // The sandbox check is repeated while it fails, so installing bubblewrap needs no restart.
  let sandboxProblem: string | null = null;
  let sandboxCheckedAt = 0;
  const sandboxReady = async () => {
    if (sandboxProblem === null && sandboxCheckedAt) return true;
    if (Date.now() - sandboxCheckedAt < 15_000 && sandboxCheckedAt) return false;
    sandboxCheckedAt = Date.now();
    const problem = await checkSandbox({ python });
    if (problem !== sandboxProblem) log(problem ? `not taking filter runs: ${problem}` : "the sandbox works: taking filter runs");
    sandboxProblem = problem;
    return problem === null;
  };

  const run = async (job: JobDefinition, id: number, attempts: number) => {
    try {
      if (attempts > job.maxAttempts) {
        await failRow(db, job.table, workerId, id, `The worker running this stopped responding on every one of ${job.maxAttempts} attempts (killed, or out of memory).`);
        return;
      }
      const outcome = await job.handle({ db, id, workerId, attempts, sandbox });
      if (outcome === "released") sandboxCheckedAt = 0; // re-check before claiming more
    } catch (err) {
      const message = (err as Error).message;
      log(`${job.name} ${id} attempt ${attempts} failed: ${message}`);
      const last = attempts >= job.maxAttempts;
      await (last
        ? failRow(db, job.table, workerId, id, `The job could not be carried out: ${message}`)
        : requeueRow(db, job.table, workerId, id, { countAttempt: true, note: message })
      ).catch(() => undefined);
    }
  };

  const fill = async () => {
    for (const job of jobs) {
      const mine = inFlight.get(job)!;
      const free = job.slots(concurrency) - mine.size;
      if (free <= 0) continue;
      if (job.needsSandbox && !(await sandboxReady())) continue;
      let claimed;
      try {
        claimed = await claimRows(db, job.table, workerId, free, lease);
      } catch (err) {
        log(`claiming ${job.name} failed: ${(err as Error).message}`);
        continue;
      }
      for (const row of claimed) {
        const p = run(job, row.id, row.attempts).finally(() => {
          mine.delete(row.id);
          nudge();
        });
        mine.set(row.id, p);
      }
    }
  };

  // Leases are renewed while the work is alive, so a slow job is never taken over and run twice.
  const heartbeat = setInterval(() => {
    for (const job of jobs) {
      const ids = [...inFlight.get(job)!.keys()];
      if (ids.length) void renewLeases(db, job.table, workerId, ids, lease).catch((err: Error) => log(`renewing leases failed: ${err.message}`));
    }
  }, Math.max(1000, (lease * 1000) / 3));
  heartbeat.unref();

  // LISTEN on a connection of its own; when it breaks (database restart) polling carries on.
  let listener: pg.PoolClient | undefined;
  const listen = async () => {
    if (stopping || listener) return;
    try {
      const client = await db.pool.connect();
      client.on("notification", nudge);
      client.on("error", () => {
        client.release(true);
        if (listener === client) listener = undefined;
      });
      await client.query(`LISTEN ${JOB_CHANNEL}`);
      listener = client;
    } catch {
      /* polling covers it; the loop tries again */
    }
  };

  const loop = async () => {
    while (!stopping) {
      await listen();
      await fill();
      const busy = [...inFlight.values()].some((m) => m.size > 0);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, busy ? Math.min(pollMs, 1000) : pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  };
  const running = loop();
  log(`started ${workerId} (concurrency ${concurrency}; ${jobs.map((j) => j.name).join(", ")})`);

  return {
    id: workerId,
    sandboxProblem: () => sandboxProblem,
    async stop() {
      stopping = true;
      nudge();
      await running;
      // Jobs in flight finish, their leases still renewed; past the grace period they are left to
      // lapse and another worker takes them over.
      const until = Date.now() + 30_000;
      const pending = () => [...inFlight.values()].flatMap((m) => [...m.values()]);
      while (pending().length && Date.now() < until) await Promise.race([...pending(), new Promise((r) => setTimeout(r, 200))]);
      clearInterval(heartbeat);
      if (listener) {
        await listener.query(`UNLISTEN ${JOB_CHANNEL}`).catch(() => undefined);
        listener.release();
      }
      if (ownsSandbox) await sandbox.close();
    },
  };
}
