// Scale-out on real processes: PostgreSQL (Debian's server) is the only thing the machines share.
// A web server that runs no jobs (CAT_WORKER=0) and three `npm run worker` processes, each with its
// own data directory as if on its own machine (each fetches the pack from the database by hash and
// writes its own copy), work one rerun; one worker is SIGKILLed mid-run. Every run ends exactly once,
// with one set of case results and the verdict its task was written to get, and the dead worker's
// runs move on within seconds (short leases, kept alive by heartbeats while a worker lives).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, sessionName, type Db } from "../db/client";
import { getRerunProgress } from "../filter/rerun-progress";
import { requestRerun } from "../filter/request-rerun";
import { registerPack } from "../packs/register-pack";
import { DEMO_PACK_DIR, DEMO_TASKS_FILE } from "../seed";
import { importTasks } from "../tasks/import-tasks";
import { startAppServer, type AppServer } from "../testing/app-server";
import { startDebianPostgres, type DebianPostgres } from "../testing/debian-postgres";
import { inProcessTree, processGone } from "../testing/proc";
import { until } from "../testing/until";

const LEASE = 3;
const demo = fs.readFileSync(DEMO_TASKS_FILE, "utf8").trim().split("\n").slice(0, 120);
const expected = Object.fromEntries(
  demo
    .map((l) => JSON.parse(l) as { id: string; metadata: { expected_reason: string | null } })
    .map((t) => [t.id, t.metadata.expected_reason]),
);

let server: DebianPostgres;
let db: Db;
let web: AppServer | undefined;
let tmp: string;
const workers: Array<{ child: ChildProcess; dataDir: string }> = [];

function startWorker(i: number) {
  const dataDir = path.join(tmp, `worker-${i}`);
  fs.mkdirSync(dataDir, { mode: 0o755 });
  // its own process group, so that killing it kills the whole "machine": npm, node and the sandbox
  const child = spawn("npm", ["run", "-s", "worker"], {
    env: {
      ...process.env,
      DATABASE_URL: server.url,
      CAT_DATA_DIR: dataDir,
      CAT_JOB_LEASE_SECONDS: String(LEASE),
      CAT_WORKER_CONCURRENCY: "1",
      NODE_OPTIONS: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.resume();
  child.stderr?.resume();
  workers.push({ child, dataDir });
}

interface HealthWorker {
  id: string;
  pid: number;
  alive: boolean;
  takesFilterRuns: boolean;
}
const health = async () =>
  (await (await fetch(`${web!.url}/api/health`)).json()) as { ok: boolean; workers: HealthWorker[] };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cat-scale-"));
  fs.chmodSync(tmp, 0o755);
  server = await startDebianPostgres();
  db = await openDb(server.url);
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  await importTasks({ db, source: Readable.from([demo.join("\n")]), batchName: "scale" });
  web = await startAppServer({
    DATABASE_URL: server.url,
    CAT_WORKER: "0",
    CAT_DATA_DIR: path.join(tmp, "web"),
    CAT_JOB_LEASE_SECONDS: String(LEASE),
  });
}, 180_000);

afterAll(async () => {
  for (const w of workers) {
    try {
      process.kill(-w.child.pid!, "SIGKILL");
    } catch {
      /* the killed one is gone already */
    }
  }
  await web?.stop();
  await db?.close();
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("workers on several machines, one PostgreSQL server", () => {
  it("three workers run a rerun, one is SIGKILLed mid-run: every run ends once, with the right verdict", async () => {
    for (let i = 0; i < 3; i++) startWorker(i);
    // each says it is alive and takes filter runs; the web server itself runs no jobs
    const seen = await until("three workers on /api/health", async () => {
      const h = await health();
      return h.workers.filter((w) => w.alive && w.takesFilterRuns).length === 3 && h.workers;
    });
    expect(seen).toHaveLength(3);

    const started = Date.now();
    const { rerunId } = await requestRerun({ db, filter: { batch: "scale" }, scope: "scale-out" });
    // a worker holding runs, once a good share of the rerun is done
    const victimId = await until("runs in flight after the first verdicts", async () => {
      if ((await getRerunProgress({ db, rerunId })).runs.done < 15) return undefined;
      const [row] = await db.pool
        .query<{ worker_id: string }>(
          `select worker_id from filter_runs where rerun_id = $1 and status = 'running' limit 1`,
          [rerunId],
        )
        .then((r) => r.rows);
      return row?.worker_id;
    });
    const victimPid = seen.find((w) => w.id === victimId)!.pid;
    const victim = workers.find((w) => inProcessTree(w.child.pid!, victimPid))!;
    const sessionsOfVictim = async () =>
      (await db.pool.query(`select 1 from pg_stat_activity where application_name = $1`, [sessionName(victimPid)])).rows
        .length;
    expect(await sessionsOfVictim()).toBeGreaterThan(0); // its sessions can be told from the others'
    process.kill(-victim.child.pid!, "SIGKILL");
    const killedAt = Date.now();
    // What the worker had already sent still completes in its database sessions after it dies (a
    // verdict write among them): its orphans are the runs it still holds once those sessions end.
    await until("the killed worker to exit", async () => processGone(victimPid));
    await until("the killed worker's database sessions to end", async () => (await sessionsOfVictim()) === 0);
    const orphaned = (
      await db.pool.query(`select id from filter_runs where worker_id = $1 and status = 'running'`, [victimId])
    ).rows.map((r: { id: number }) => r.id);
    expect(orphaned.length).toBeGreaterThan(0);

    // its runs are taken over once their lease lapses, not after minutes
    await until(
      "the dead worker's runs to be taken over",
      async () => {
        const { rows } = await db.pool.query(`select 1 from filter_runs where id = any($1::int[]) and worker_id = $2`, [
          orphaned,
          victimId,
        ]);
        return rows.length === 0;
      },
      30_000,
    );
    const movedOnSeconds = (Date.now() - killedAt) / 1000;
    expect(movedOnSeconds).toBeLessThan(LEASE + 20); // generous: the lease, a claim interval, a loaded machine

    const progress = await until(
      "the rerun to finish",
      async () => {
        const p = await getRerunProgress({ db, rerunId });
        return p.finished && p;
      },
      240_000,
    );
    expect(progress.runs).toEqual({ queued: 0, running: 0, done: demo.length, failed: 0, cancelled: 0 });

    // every run once: done, one case result per case, the task showing that run's verdict
    const runs = await db.prisma.filterRun.findMany({
      where: { rerunId },
      select: {
        id: true,
        status: true,
        attempts: true,
        task: { select: { externalId: true, verdictReason: true, verdictStatus: true, verdictRunId: true } },
        revision: { select: { failureCases: true } },
        _count: { select: { cases: true } },
      },
    });
    expect(runs).toHaveLength(demo.length);
    for (const r of runs) {
      expect(r.status).toBe("done");
      expect(r._count.cases).toBe(1 + r.revision.failureCases.length);
      expect(r.task.verdictRunId).toBe(r.id);
    }
    expect(
      Object.fromEntries(
        runs.map((r) => [
          r.task.externalId,
          r.task.verdictReason ?? (r.task.verdictStatus === "accepted" ? null : r.task.verdictStatus),
        ]),
      ),
    ).toEqual(expected);
    expect(runs.filter((r) => orphaned.includes(r.id)).every((r) => r.attempts >= 2)).toBe(true);
    // the counters the progress view reads agree with the rows
    const cases = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from case_results c join filter_runs f on f.id = c.run_id where f.rerun_id = $1`,
      [rerunId],
    );
    expect(Object.values(progress.cases).reduce((a, b) => a + b, 0)).toBe(cases.rows[0]!.n);

    // no shared filesystem: each worker wrote its own copy of the pack, fetched from the database by hash
    const [pack] = await db.pool.query<{ hash: string }>(`select hash from packs`).then((r) => r.rows);
    for (const w of workers) expect(fs.existsSync(path.join(w.dataDir, "packs", pack!.hash, "env.py"))).toBe(true);

    // the health endpoint shows the dead worker as gone, the others as alive
    await until(
      "the dead worker to show as gone",
      async () => {
        const h = await health();
        const mine = (id: string) => h.workers.find((w) => w.id === id);
        return mine(victimId)?.alive === false && h.workers.filter((w) => w.alive).length === 2;
      },
      30_000,
    );
    console.log(
      `scale-out: ${demo.length} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s with 3 workers, one killed; its runs moved on after ${movedOnSeconds.toFixed(1)} s`,
    );
  }, 400_000);
});
