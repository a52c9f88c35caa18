// A worker only takes work it can do, and what goes wrong with a machine is not a verdict about a
// task: a worker without a sandbox says why (log and heartbeat, which /api/health lists) and takes
// no filter runs; a run that failed because of the machine goes back to the queue without being
// counted against the task, and another worker records its real verdict.
process.env.CAT_JOB_LEASE_SECONDS = "3";

import fs from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { getRerunProgress } from "../filter/rerun-progress";
import { requestRerun } from "../filter/request-rerun";
import { registerPack } from "../packs/register-pack";
import { createSandbox, PackLoadError, SandboxUnavailableError, type Sandbox, type TaskVerdict } from "../sandbox";
import { DEMO_PACK_DIR, DEMO_TASKS_FILE } from "../seed";
import { importTasks } from "../tasks/import-tasks";
import { listWorkers } from "./queue";
import { startWorker } from "./worker";

let db: Db;
let real: Sandbox;
const demo = fs
  .readFileSync(DEMO_TASKS_FILE, "utf8")
  .trim()
  .split("\n")
  .slice(0, 6)
  .map((l) => JSON.parse(l) as { id: string; metadata: { expected_reason: string | null } });

beforeAll(async () => {
  db = await createTestDb();
  real = createSandbox({ concurrency: 2 });
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  await importTasks({
    db,
    source: Readable.from([demo.map((t) => JSON.stringify(t)).join("\n")]),
    batchName: "capability",
  });
}, 120_000);
afterAll(async () => {
  await real.close();
  await db.close();
});

async function finished(rerunId: number) {
  const end = Date.now() + 90_000;
  for (;;) {
    const p = await getRerunProgress({ db, rerunId });
    if (p.finished) return p;
    if (Date.now() > end) throw new Error(`rerun ${rerunId} did not finish: ${JSON.stringify(p.runs)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A sandbox that fails the way a broken machine does, `times` times, then runs tasks for real. */
function failing(times: number, fail: () => TaskVerdict | never): Sandbox & { failures: number } {
  const s = {
    failures: 0,
    async runTask(...args: Parameters<Sandbox["runTask"]>) {
      if (s.failures < times) {
        s.failures++;
        return fail();
      }
      return real.runTask(...args);
    },
    async close() {},
  };
  return s;
}

const expected = (externalIds: string[]) =>
  Object.fromEntries(externalIds.map((id) => [id, demo.find((t) => t.id === id)!.metadata.expected_reason]));
async function verdicts(rerunId: number) {
  const runs = await db.prisma.filterRun.findMany({
    where: { rerunId },
    select: {
      status: true,
      attempts: true,
      error: true,
      task: { select: { externalId: true, verdictStatus: true, verdictReason: true } },
    },
  });
  return runs;
}

describe("a worker only takes work it can do", () => {
  it("a worker without a sandbox says why in its log and heartbeat, and takes no filter runs", async () => {
    const lines: string[] = [];
    const blind = await startWorker({ db, concurrency: 1, python: "/nonexistent/python3", log: (l) => lines.push(l) });
    try {
      expect(lines.join("\n")).toMatch(/not taking filter runs: .*\/nonexistent\/python3/);
      const me = (await listWorkers(db, 3)).find((w) => w.id === blind.id)!;
      expect(me).toMatchObject({
        alive: true,
        takesFilterRuns: false,
        sandboxProblem: expect.stringMatching(/python3/),
      });
      const { rerunId } = await requestRerun({ db, externalIds: [demo[0]!.id] });
      await new Promise((r) => setTimeout(r, 1500));
      expect((await getRerunProgress({ db, rerunId })).runs).toMatchObject({ queued: 1, running: 0 });
      const able = await startWorker({ db, sandbox: real, concurrency: 1, log: () => undefined });
      try {
        expect((await listWorkers(db, 3)).find((w) => w.id === able.id)).toMatchObject({
          takesFilterRuns: true,
          sandboxProblem: null,
        });
        expect((await finished(rerunId)).runs.done).toBe(1);
      } finally {
        await able.stop();
      }
    } finally {
      await blind.stop();
    }
    // a stopped worker takes its heartbeat row with it
    expect((await listWorkers(db, 3)).map((w) => w.id)).not.toContain(blind.id);
  });

  it("a run whose sandbox became unavailable goes back to the queue uncounted, and another worker runs it", async () => {
    const broken = failing(1000, () => {
      throw new SandboxUnavailableError("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap");
    });
    const ids = [demo[1]!.id];
    const { rerunId } = await requestRerun({ db, externalIds: ids });
    const w1 = await startWorker({ db, sandbox: broken, concurrency: 1, log: () => undefined });
    const end = Date.now() + 30_000;
    while (broken.failures === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await w1.stop();
    expect(broken.failures).toBeGreaterThanOrEqual(1);
    const [released] = await verdicts(rerunId);
    expect(released).toMatchObject({
      status: "queued",
      attempts: 0,
      error: expect.stringContaining("Waiting for a worker that can run the sandbox"),
    });

    const w2 = await startWorker({ db, sandbox: real, concurrency: 1, log: () => undefined });
    try {
      await finished(rerunId);
    } finally {
      await w2.stop();
    }
    const [run] = await verdicts(rerunId);
    expect(run).toMatchObject({ status: "done", attempts: 1, error: null });
    expect({ [run!.task.externalId!]: run!.task.verdictReason }).toEqual(expected(ids));
  });

  it("a case lost to a crashed zygote, or a sandbox that died before the pack loaded, is tried again rather than recorded", async () => {
    const lost: TaskVerdict = {
      status: "rejected",
      reason: "solution_not_passing",
      packHash: "x",
      codeHash: "y",
      cases: [
        {
          role: "solution",
          index: 0,
          outcome: "error",
          caseError: {
            type: "SandboxError",
            message: "the sandbox worker failed while running this case: sandbox process exited (SIGKILL)",
            traceback: "",
            source: "case",
          },
          stdout: "",
          stderr: "",
          toolCalls: [],
          messages: [],
          durationMs: 0,
        },
      ],
    };
    let n = 0;
    const flaky = failing(2, () => {
      if (n++ === 0) return lost;
      throw new PackLoadError("the pack failed to load: sandbox process exited (SIGKILL)", null, "");
    });
    const ids = [demo[2]!.id, demo[3]!.id];
    const { rerunId } = await requestRerun({ db, externalIds: ids });
    const w = await startWorker({ db, sandbox: flaky, concurrency: 1, log: () => undefined });
    try {
      await finished(rerunId);
    } finally {
      await w.stop();
    }
    expect(flaky.failures).toBe(2);
    const runs = await verdicts(rerunId);
    expect(runs.every((r) => r.status === "done")).toBe(true);
    expect(Object.fromEntries(runs.map((r) => [r.task.externalId, r.task.verdictReason]))).toEqual(expected(ids));
    // each failure cost its run one attempt (a pack that kills its sandbox every time fails at the last)
    expect(runs.map((r) => r.attempts).sort()).toEqual([2, 2]);
  });

  it("a pack whose sandbox dies before it loads, on every attempt, fails with that reason", async () => {
    const dead = failing(10, () => {
      throw new PackLoadError("the pack failed to load: sandbox process exited (code 1)", null, "");
    });
    const { rerunId } = await requestRerun({ db, externalIds: [demo[4]!.id] });
    const w = await startWorker({ db, sandbox: dead, concurrency: 1, log: () => undefined });
    try {
      await finished(rerunId);
    } finally {
      await w.stop();
    }
    const [run] = await verdicts(rerunId);
    expect(run).toMatchObject({ status: "failed", attempts: 3, error: expect.stringContaining("did not load") });
    expect(dead.failures).toBe(3);
  });
});

describe("a worker's LISTEN connection", () => {
  it("listens again after the database drops the connection, and stops cleanly even if it is dropped after the stop", async () => {
    const kill = () =>
      db.pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and query ilike '%LISTEN%'`,
      );
    const listening = async () => {
      for (let i = 0; i < 100; i++) {
        const { rows } = await db.pool.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`,
        );
        if (rows[0]!.n > 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the worker never listened");
    };
    const thrown: unknown[] = [];
    const onError = (err: unknown) => thrown.push(err);
    process.on("uncaughtException", onError);
    try {
      const w = await startWorker({ db, sandbox: real, concurrency: 1, pollMs: 50, log: () => undefined });
      await listening();
      await kill(); // while running: the error drops the connection, the loop listens again
      await listening();
      await w.stop();
      await kill(); // after the stop: a late error on the released connection must not throw
      await new Promise((r) => setTimeout(r, 300));
      // the pool still serves queries
      expect((await db.pool.query<{ one: number }>("select 1 as one")).rows[0]!.one).toBe(1);
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(thrown).toEqual([]);
  });
});
