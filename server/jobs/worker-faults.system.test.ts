// Fault tests on real processes: a worker SIGKILLed mid-run and a web server restarted mid-run lose
// nothing. Their jobs come back after the lease expires, every run ends DONE with exactly one set of
// case results, and nothing stays RUNNING. Short leases keep the test quick.
process.env.CAT_JOB_LEASE_SECONDS = "3";

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { getRerunProgress } from "../filter/rerun-progress";
import { requestRerun } from "../filter/request-rerun";
import { registerPack } from "../packs/register-pack";
import { DEMO_PACK_DIR, DEMO_TASKS_FILE } from "../seed";
import { importTasks } from "../tasks/import-tasks";
import { freePort } from "../db/embedded";
import { until } from "../testing/until";

let db: Db;
const children: ChildProcess[] = [];
const demo = fs.readFileSync(DEMO_TASKS_FILE, "utf8").trim().split("\n").slice(0, 40);
const expected = Object.fromEntries(
  demo
    .map((l) => JSON.parse(l) as { id: string; metadata: { expected_reason: string | null } })
    .map((t) => [t.id, t.metadata.expected_reason]),
);

const childEnv = () => ({
  ...process.env,
  DATABASE_URL: db.url,
  CAT_JOB_LEASE_SECONDS: "3",
  CAT_WORKER_CONCURRENCY: "2",
  CAT_SEED_DEMO: "0",
  NODE_OPTIONS: "",
});

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "server/jobs/worker-main.ts"], {
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  children.push(child);
  return child;
}

async function runsBy(rerunId: number) {
  const p = await getRerunProgress({ db, rerunId });
  return p.runs;
}

async function expectCompleteAndCorrect(rerunId: number) {
  const runs = await db.prisma.filterRun.findMany({
    where: { rerunId },
    select: {
      status: true,
      attempts: true,
      task: { select: { externalId: true, verdictStatus: true, verdictReason: true } },
      revision: { select: { failureCases: true } },
      _count: { select: { cases: true } },
    },
  });
  expect(runs).toHaveLength(demo.length);
  expect(runs.filter((r) => r.status !== "done")).toEqual([]);
  for (const r of runs) expect(r._count.cases).toBe(1 + r.revision.failureCases.length);
  expect(
    Object.fromEntries(
      runs.map((r) => [
        r.task.externalId,
        r.task.verdictReason ?? (r.task.verdictStatus === "accepted" ? null : r.task.verdictStatus),
      ]),
    ),
  ).toEqual(expected);
  return runs;
}

beforeAll(async () => {
  db = await createTestDb();
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  await importTasks({ db, source: Readable.from([demo.join("\n")]), batchName: "faults" });
}, 120_000);
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await db.close();
});

describe("worker faults", () => {
  it("a worker SIGKILLed mid-run loses nothing: its jobs are taken over after the lease", async () => {
    const { rerunId } = await requestRerun({ db, filter: { batch: "faults" } });
    const first = startWorker();
    // Killed on the first sign of progress, observed in the database: most of the 40 runs are left.
    await until(
      "a first run to finish",
      async () => {
        const runs = await runsBy(rerunId);
        return runs.done >= 1 && runs.running > 0;
      },
      90_000,
      20,
    );
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = await runsBy(rerunId);
    expect(atKill.running).toBeGreaterThan(0); // runs left mid-flight by the dead worker
    expect(atKill.done).toBeLessThan(demo.length);

    startWorker();
    await until("the rerun to finish", async () => (await getRerunProgress({ db, rerunId })).finished, 90_000);
    const runs = await expectCompleteAndCorrect(rerunId);
    expect(runs.some((r) => r.attempts >= 2)).toBe(true); // taken over, not redone from scratch
  }, 180_000);

  it("a web server restarted mid-run loses nothing", async () => {
    if (!fs.existsSync(".next/BUILD_ID"))
      throw new Error("needs a production build: run `npm run build` first (npm test does)");
    const port = await freePort();
    const startServer = () => {
      const child = spawn(
        process.execPath,
        ["node_modules/next/dist/bin/next", "start", "--hostname", "127.0.0.1", "--port", String(port)],
        {
          env: { ...childEnv(), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", CAT_WORKER: "1" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child.stdout?.resume();
      child.stderr?.resume();
      children.push(child);
      return child;
    };
    const healthy = async () =>
      (await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.ok)
        .catch(() => false)) || undefined;

    // Three reruns of the 40 tasks, and the stop sent on the first verdict the server's worker writes,
    // seen in the database (not after the health check, which may answer only once most of the work
    // is done): at most the runs in flight and a poll's worth finish before it stops, of 120.
    const reruns: number[] = [];
    for (let i = 0; i < 3; i++) reruns.push((await requestRerun({ db, filter: { batch: "faults" } })).rerunId);
    const total = 3 * demo.length;
    const progress = async () => {
      const all = await Promise.all(reruns.map(runsBy));
      return { done: all.reduce((n, r) => n + r.done, 0), running: all.reduce((n, r) => n + r.running, 0) };
    };
    const server = startServer();
    await until("the server's worker to write a first verdict", async () => (await progress()).done >= 1, 90_000, 20);
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    const atStop = await progress();
    expect(atStop.done).toBeGreaterThan(0);
    expect(atStop.done).toBeLessThan(total / 2); // stopped mid-run, with most of the work still to do

    // The restarted server finishes the rest: runs the stopped one left running are taken over once
    // their lease lapses, queued ones are claimed, and every run ends once with the right verdict.
    const again = startServer();
    await until("the restarted server to answer", healthy, 60_000);
    for (const rerunId of reruns) {
      await until("the reruns to finish", async () => (await getRerunProgress({ db, rerunId })).finished, 120_000);
      await expectCompleteAndCorrect(rerunId);
    }
    expect((await progress()).done).toBe(total);
    again.kill("SIGTERM");
  }, 240_000);
});
