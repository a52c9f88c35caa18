// npm run bench:scale [-- --tasks 200 --slots 1 --rounds 1]
//
// Workers as if on separate machines, against one real PostgreSQL server (Debian's package): each
// worker is an `npm run worker` process with its own data directory (it fetches the pack from the
// database by hash and writes its own copy), CAT_WORKER_CONCURRENCY=--slots sandbox slots each,
// and the web server (when a production build exists) runs with CAT_WORKER=0. It reports the
// throughput of one rerun of the demo tasks with 1, 2 and 3 workers, then runs it again with three
// and SIGKILLs one mid-run: how long its runs took to move on, and that every run ended once with
// the verdict its task was written to get. This machine has 2 cores: with one slot per worker the
// rate grows from 1 to 2 workers and stays flat at 3 (the cores are full; a third machine would add
// a core). Asserts the verdicts; prints the figures.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { openDb, type Db } from "../server/db/client";
import { getRerunProgress } from "../server/filter/rerun-progress";
import { requestRerun } from "../server/filter/request-rerun";
import { registerPack } from "../server/packs/register-pack";
import { DEMO_PACK_DIR, DEMO_TASKS_FILE } from "../server/seed";
import { importTasks } from "../server/tasks/import-tasks";
import { startAppServer, type AppServer } from "../server/testing/app-server";
import { startDebianPostgres } from "../server/testing/debian-postgres";
import { inProcessTree } from "../server/testing/proc";
import { until as untilEvery } from "../server/testing/until";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "200" },
    slots: { type: "string", default: "1" },
    lease: { type: "string", default: "5" },
  },
});
const LEASE = Number(values.lease);
const lines = fs.readFileSync(DEMO_TASKS_FILE, "utf8").trim().split("\n").slice(0, Number(values.tasks));
const tasks = lines.map(
  (l) => JSON.parse(l) as { id: string; failure_cases: string[]; metadata: { expected_reason: string | null } },
);
const caseCount = tasks.reduce((n, t) => n + 1 + t.failure_cases.length, 0);
const expected = Object.fromEntries(tasks.map((t) => [t.id, t.metadata.expected_reason]));

interface Worker {
  child: ChildProcess;
  dataDir: string;
}

/** Benchmarks poll twice as often as tests, so a finished rerun is timed closely. */
const until = <T>(what: string, fn: () => Promise<T | undefined | false>) => untilEvery(what, fn, 120_000, 50);

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-scale-"));
  fs.chmodSync(tmp, 0o755);
  const server = await startDebianPostgres();
  const db = await openDb(server.url);
  let web: AppServer | undefined;
  const workers: Worker[] = [];
  const startWorker = (name: string): Worker => {
    const dataDir = path.join(tmp, name);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const log = fs.openSync(path.join(dataDir, "worker.log"), "a");
    const child = spawn("npm", ["run", "-s", "worker"], {
      env: {
        ...process.env,
        DATABASE_URL: server.url,
        CAT_DATA_DIR: dataDir,
        CAT_WORKER_CONCURRENCY: values.slots,
        CAT_JOB_LEASE_SECONDS: String(LEASE),
        NODE_OPTIONS: "",
      },
      stdio: ["ignore", log, log], // worker.log in its data directory
      detached: true, // its own process group: killing it takes the whole "machine"
    });
    fs.closeSync(log);
    const w = { child, dataDir };
    workers.push(w);
    return w;
  };
  const stopAll = async () => {
    for (const w of workers.splice(0)) {
      const running = w.child.exitCode === null && w.child.signalCode === null;
      if (!running) continue;
      const exited = new Promise((r) => w.child.once("exit", r));
      process.kill(-w.child.pid!, "SIGTERM"); // finishes what it holds, and says goodbye
      await exited;
    }
    await db.pool.query("delete from workers");
  };
  const alive = async () =>
    (
      await db.pool.query<{ n: number }>(
        `select count(*)::int as n from workers where seen_at > now() - make_interval(secs => $1) and sandbox_problem is null`,
        [LEASE],
      )
    ).rows[0]!.n;

  try {
    await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
    await importTasks({ db, source: Readable.from([lines.join("\n")]), batchName: "scale" });
    if (fs.existsSync(".next/BUILD_ID")) {
      web = await startAppServer({
        DATABASE_URL: server.url,
        CAT_WORKER: "0",
        CAT_DATA_DIR: path.join(tmp, "web"),
        CAT_JOB_LEASE_SECONDS: String(LEASE),
      });
    }
    console.log(
      `bench:scale — ${tasks.length} demo tasks (${caseCount} cases) per rerun; PostgreSQL ${server.url.replace(/:[^:@/]+@/, ":…@")} (Debian's server); ` +
        `workers with ${values.slots} slot(s) each, own data directories; ${os.availableParallelism()} cores; web server ${web ? "with CAT_WORKER=0" : "not started (no production build)"}`,
    );
    const rates: Array<{ workers: number; seconds: number; casesPerSecond: number }> = [];
    for (const n of [1, 2, 3]) {
      for (let i = 0; i < n; i++) startWorker(`w${n}-${i}`);
      await until(`${n} workers to start`, async () => (await alive()) >= n);
      const t0 = performance.now();
      const { rerunId } = await requestRerun({ db, filter: { batch: "scale" }, scope: `bench:scale ${n}` });
      await until("the rerun", async () => (await getRerunProgress({ db, rerunId })).finished);
      const seconds = (performance.now() - t0) / 1000;
      await checkVerdicts(db, rerunId);
      rates.push({ workers: n, seconds, casesPerSecond: caseCount / seconds });
      console.log(
        `  ${n} worker${n > 1 ? "s" : " "}  ${seconds.toFixed(1)} s  ${(caseCount / seconds).toFixed(1)} cases/s  ${(tasks.length / seconds).toFixed(1)} tasks/s`,
      );
      await stopAll();
    }

    // Three workers, one SIGKILLed while it holds runs: its leases lapse and the others take over.
    const three = [0, 1, 2].map((i) => startWorker(`kill-${i}`));
    await until("3 workers to start", async () => (await alive()) >= 3);
    const t0 = performance.now();
    const { rerunId } = await requestRerun({ db, filter: { batch: "scale" }, scope: "bench:scale kill" });
    const victimId = await until("a worker with runs in flight", async () => {
      if ((await getRerunProgress({ db, rerunId })).runs.done < tasks.length / 4) return undefined;
      return (
        await db.pool.query<{ worker_id: string }>(
          `select worker_id from filter_runs where rerun_id = $1 and status = 'running' limit 1`,
          [rerunId],
        )
      ).rows[0]?.worker_id;
    });
    const { pid } = (await db.pool.query<{ pid: number }>(`select pid from workers where id = $1`, [victimId]))
      .rows[0]!;
    const victim = three.find((w) => inProcessTree(w.child.pid!, pid))!;
    const orphaned = (
      await db.pool.query<{ id: number }>(`select id from filter_runs where worker_id = $1 and status = 'running'`, [
        victimId,
      ])
    ).rows.map((r) => r.id);
    process.kill(-victim.child.pid!, "SIGKILL");
    const killedAt = performance.now();
    await until(
      "its runs to move on",
      async () =>
        (
          await db.pool.query(`select 1 from filter_runs where id = any($1::int[]) and worker_id = $2`, [
            orphaned,
            victimId,
          ])
        ).rows.length === 0,
    );
    const movedOn = (performance.now() - killedAt) / 1000;
    await until("the rerun", async () => (await getRerunProgress({ db, rerunId })).finished);
    const seconds = (performance.now() - t0) / 1000;
    const runs = await checkVerdicts(db, rerunId);
    const retaken = runs.filter((r) => orphaned.includes(r.id) && r.attempts >= 2).length;
    let healthNote = "";
    if (web) {
      const h = (await (await fetch(`${web.url}/api/health`)).json()) as {
        workers: Array<{ id: string; alive: boolean }>;
      };
      healthNote = `; /api/health lists ${h.workers.length} workers, ${h.workers.filter((w) => w.alive).length} alive`;
    }
    console.log(
      `  3 workers, one SIGKILLed holding ${orphaned.length} run(s): ${seconds.toFixed(1)} s  ${(caseCount / seconds).toFixed(1)} cases/s; ` +
        `its runs moved on after ${movedOn.toFixed(1)} s (lease ${LEASE} s), ${retaken} taken over; every run done once with its expected verdict${healthNote}`,
    );
    await stopAll();
    console.log(
      JSON.stringify({
        tasks: tasks.length,
        cases: caseCount,
        slotsPerWorker: Number(values.slots),
        rates: rates.map((r) => ({
          ...r,
          seconds: +r.seconds.toFixed(2),
          casesPerSecond: +r.casesPerSecond.toFixed(1),
        })),
        kill: { seconds: +seconds.toFixed(2), movedOnSeconds: +movedOn.toFixed(2), orphaned: orphaned.length },
      }),
    );
  } catch (err) {
    for (const d of fs.readdirSync(tmp)) {
      const log = path.join(tmp, d, "worker.log");
      if (fs.existsSync(log)) console.error(`--- ${d}/worker.log\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
    }
    throw err;
  } finally {
    await stopAll().catch(() => undefined);
    await web?.stop();
    await db.close();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every run of the rerun done once, with one case result per case and its task's expected verdict. */
async function checkVerdicts(db: Db, rerunId: number) {
  const runs = await db.prisma.filterRun.findMany({
    where: { rerunId },
    select: {
      id: true,
      status: true,
      attempts: true,
      task: { select: { externalId: true, verdictStatus: true, verdictReason: true } },
      revision: { select: { failureCases: true } },
      _count: { select: { cases: true } },
    },
  });
  const wrong = runs.filter(
    (r) =>
      r.status !== "done" ||
      r._count.cases !== 1 + r.revision.failureCases.length ||
      (r.task.verdictReason ?? (r.task.verdictStatus === "accepted" ? null : "not run")) !==
        expected[r.task.externalId!],
  );
  if (runs.length !== tasks.length || wrong.length)
    throw new Error(
      `rerun ${rerunId}: ${runs.length} runs, ${wrong.length} wrong: ${JSON.stringify(wrong.slice(0, 3))}`,
    );
  return runs;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
