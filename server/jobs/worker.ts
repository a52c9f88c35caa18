// One worker loop for every kind of background job (server/jobs/definitions). For each kind it keeps
// its slots full — claiming several rows in one round trip as slots free up, more rows than zygotes
// so the sandbox never waits for the database — renews the leases of the rows in flight, and sleeps
// until a NOTIFY, a finished job or the poll interval. A machine that cannot run the sandbox claims
// no filter runs at all (they stay queued for a worker that can) and says why, in its log and in
// its heartbeat row, which /api/health lists.
import os from "node:os";
import type pg from "pg";
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { createSandbox, type Sandbox } from "../sandbox";
import { checkSandbox } from "../sandbox/availability";
import { datasetExportJob } from "./definitions/dataset-export";
import { filterRunJob } from "./definitions/filter-run";
import { strengthCheckJob } from "./definitions/strength-check";
import { profileLine } from "./profile";
import {
  beatWorker,
  claimRows,
  failRow,
  forgetWorker,
  JOB_CHANNEL,
  newWorkerId,
  renewLeases,
  requeueRow,
  type QueueTable,
} from "./queue";

export type JobOutcome = "done" | "failed" | "cancelled" | "lost" | "released";

interface JobContext {
  db: Db;
  id: number;
  workerId: string;
  attempts: number;
  /** Claims of a row before it is failed (the definition's maxAttempts). */
  maxAttempts: number;
  sandbox: Sandbox;
  /** What the definition's load() returned for this row, if it has one. */
  payload?: unknown;
  /** Time spent claiming and loading the row (its share of the batch's), for profiles. */
  queueMs: number;
}

export interface JobDefinition {
  name: string;
  table: QueueTable;
  /** Claims of one row before it is failed (a worker that dies mid-job costs one). */
  maxAttempts: number;
  /** Rows of this kind one worker works at once. */
  slots(concurrency: number): number;
  /** Claim only once this many slots are free (or none is busy), so that one round trip claims several rows. */
  claimBatch?(concurrency: number): number;
  /** Loads what handling the claimed rows needs, in one round trip. */
  load?(db: Db, ids: number[]): Promise<Map<number, unknown>>;
  needsSandbox: boolean;
  /** Does the work and writes the row's outcome, fenced on ctx.workerId. "released": the machine could not. */
  handle(ctx: JobContext): Promise<JobOutcome>;
}

const JOBS: JobDefinition[] = [filterRunJob, datasetExportJob, strengthCheckJob];

export interface WorkerHandle {
  id: string;
  /** Why this worker takes no filter runs, when it cannot run the sandbox. */
  sandboxProblem(): string | null;
  stop(): Promise<void>;
}

/** How often a busy worker looks for rows whose worker died (an idle one looks on every poll). */
const TAKE_OVER_EVERY_MS = 1000;
/** A worker that put a run back because of its machine takes no filter runs for this long. */
const RELEASE_PAUSE_MS = 2000;

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

  const beat = () =>
    beatWorker(db, {
      id: workerId,
      concurrency,
      sandboxProblem: jobs.some((j) => j.needsSandbox) ? sandboxProblem : null,
    }).catch((err: Error) => log(`recording the heartbeat failed: ${err.message}`));

  // The sandbox check is repeated while it fails, so installing bubblewrap needs no restart.
  let sandboxProblem: string | null = null;
  let sandboxCheckedAt = 0;
  let pausedUntil = 0;
  const sandboxReady = async () => {
    if (sandboxProblem === null && sandboxCheckedAt) return true;
    if (Date.now() - sandboxCheckedAt < 15_000 && sandboxCheckedAt) return false;
    sandboxCheckedAt = Date.now();
    const problem = await checkSandbox({ python });
    const changed = problem !== sandboxProblem;
    if (changed) log(problem ? `not taking filter runs: ${problem}` : "the sandbox works: taking filter runs");
    sandboxProblem = problem;
    if (changed) void beat();
    return problem === null;
  };

  const run = async (job: JobDefinition, id: number, attempts: number, payload: unknown, queueMs: number) => {
    try {
      if (attempts > job.maxAttempts) {
        await failRow(
          db,
          job.table,
          workerId,
          id,
          `The worker running this stopped responding on every one of ${job.maxAttempts} attempts (killed, or out of memory).`,
        );
        return;
      }
      const outcome = await job.handle({
        db,
        id,
        workerId,
        attempts,
        maxAttempts: job.maxAttempts,
        sandbox,
        payload,
        queueMs,
      });
      // the machine could not do it (not the row's fault): make sure it still can before claiming
      // more, and give another worker the first chance at what it put back
      if (outcome === "released") {
        sandboxCheckedAt = 0;
        pausedUntil = Date.now() + RELEASE_PAUSE_MS;
      }
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

  const tookOverAt = new Map<JobDefinition, number>();
  const fill = async () => {
    for (const job of jobs) {
      const mine = inFlight.get(job)!;
      const slots = job.slots(concurrency);
      const free = slots - mine.size;
      if (free <= 0) continue;
      if (mine.size > 0 && free < Math.min(slots, job.claimBatch?.(concurrency) ?? 1)) continue;
      if (job.needsSandbox && (Date.now() < pausedUntil || !(await sandboxReady()))) continue;
      const started = performance.now();
      const takeOver = mine.size === 0 || Date.now() - (tookOverAt.get(job) ?? 0) >= TAKE_OVER_EVERY_MS;
      if (takeOver) tookOverAt.set(job, Date.now());
      let claimed: Awaited<ReturnType<typeof claimRows>>;
      let payloads: Map<number, unknown> | undefined;
      try {
        claimed = await claimRows(db, job.table, workerId, free, lease, { takeOver });
        // without its payload a row is still handled: the handler loads it itself
        if (claimed.length && job.load)
          payloads = await job
            .load(
              db,
              claimed.map((r) => r.id),
            )
            .catch(() => undefined);
      } catch (err) {
        log(`claiming ${job.name} failed: ${(err as Error).message}`);
        continue;
      }
      const queueMs = claimed.length ? (performance.now() - started) / claimed.length : 0;
      for (const row of claimed) {
        const p = run(job, row.id, row.attempts, payloads?.get(row.id), queueMs).finally(() => {
          mine.delete(row.id);
          nudge();
        });
        mine.set(row.id, p);
      }
    }
  };

  // Leases are renewed while the work is alive, so a slow job is never taken over and run twice.
  const heartbeat = setInterval(
    () => {
      for (const job of jobs) {
        const ids = [...inFlight.get(job)!.keys()];
        if (ids.length)
          void renewLeases(db, job.table, workerId, ids, lease).catch((err: Error) =>
            log(`renewing leases failed: ${err.message}`),
          );
      }
      void beat();
    },
    Math.max(1000, (lease * 1000) / 3),
  );
  heartbeat.unref();

  // LISTEN on a connection of its own; when it breaks (database restart) polling carries on.
  let listener: { client: pg.PoolClient; drop: (broken: boolean) => void } | undefined;
  const listen = async () => {
    if (stopping || listener) return;
    try {
      const client = await db.pool.connect();
      // Released once, whichever comes first: an error (a database restart can emit several, even
      // after the worker stopped) or the stop. A second release throws inside an event handler.
      let released = false;
      const drop = (broken: boolean) => {
        if (released) return;
        released = true;
        client.off("notification", nudge);
        if (listener?.client === client) listener = undefined;
        client.release(broken);
      };
      client.on("notification", nudge);
      client.on("error", () => drop(true));
      try {
        await client.query(`LISTEN ${JOB_CHANNEL}`);
      } catch (err) {
        drop(true);
        throw err;
      }
      listener = { client, drop };
    } catch {
      /* polling covers it; the loop tries again */
    }
  };

  const loop = async () => {
    while (!stopping) {
      await listen();
      await fill();
      // stop() may have nudged while fill() ran, with no sleep to cut short: sleeping now would hold
      // the stop up for a whole poll interval
      if (stopping) break;
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
  // Say at once whether this machine takes filter runs, rather than at the first claim.
  if (jobs.some((j) => j.needsSandbox)) await sandboxReady();
  await beat();
  const running = loop();
  log(`started ${workerId} (concurrency ${concurrency}; ${jobs.map((j) => j.name).join(", ")})`);
  profileLine({ t: "start", workerId });

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
      while (pending().length && Date.now() < until)
        await Promise.race([...pending(), new Promise((r) => setTimeout(r, 200))]);
      clearInterval(heartbeat);
      await forgetWorker(db, workerId).catch(() => undefined);
      if (listener) {
        const { client, drop } = listener;
        const ok = await client.query(`UNLISTEN ${JOB_CHANNEL}`).then(
          () => true,
          () => false,
        );
        drop(!ok);
      }
      if (ownsSandbox) await sandbox.close();
    },
  };
}
