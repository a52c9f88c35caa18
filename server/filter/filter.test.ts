// The filter end to end on real components: the demo pack registered through the sandbox, demo tasks
// imported, reruns queued as rows, a worker claiming them and running them in the bubblewrap
// sandbox, verdicts recorded and exported. The demo tasks carry the verdict they were written to get.
// A short lease, so that lease expiry and renewal happen within a test.
process.env.CAT_JOB_LEASE_SECONDS = "3";

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { claimRows, newWorkerId } from "../jobs/queue";
import { startWorker, type WorkerHandle } from "../jobs/worker";
import { removeReadOnlyTree } from "../packs/materialize-pack";
import { registerPack } from "../packs/register-pack";
import { createSandbox, type Sandbox } from "../sandbox";
import { DEMO_PACK_DIR, DEMO_TASKS_FILE } from "../seed";
import { exportTasks } from "../tasks/export-tasks";
import { importTasks } from "../tasks/import-tasks";
import { getFunnel } from "./funnel";
import { getRerunProgress } from "./rerun-progress";
import { cancelRerun, requestRerun } from "./request-rerun";
import { runFilterJob } from "./run-filter";

let db: Db;
let sandbox: Sandbox;
let worker: WorkerHandle | undefined;
const demo = fs
  .readFileSync(DEMO_TASKS_FILE, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as { id: string; metadata: { expected_reason: string | null } });
// Two tasks of every expected outcome: enough to cover the reason order, quick to run.
const picked = [...new Set(demo.map((t) => t.metadata.expected_reason))].flatMap((reason) =>
  demo.filter((t) => t.metadata.expected_reason === reason).slice(0, 2),
);

beforeAll(async () => {
  db = await createTestDb();
  sandbox = createSandbox({ concurrency: 2 });
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  const lines = picked.map((t) => JSON.stringify(t)).join("\n");
  await importTasks({ db, source: Readable.from([lines]), batchName: "picked" });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await sandbox.close();
  await db.close();
});

async function waitFor(rerunId: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = await getRerunProgress({ db, rerunId });
    if (p.finished) return p;
    if (Date.now() > until) throw new Error(`rerun ${rerunId} did not finish: ${JSON.stringify(p.runs)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("the CaT filter", () => {
  it("registers the pack through the sandbox, with its tools and schemas", async () => {
    const pack = await db.prisma.pack.findFirstOrThrow({ select: { tools: true, toolSchemas: true, hash: true } });
    expect(pack.tools).toContain("return_delivered_order_items");
    expect(pack.tools.length).toBeGreaterThanOrEqual(12);
    expect((pack.toolSchemas as Array<{ function: { name: string } }>).map((s) => s.function.name).sort()).toEqual(
      [...pack.tools].sort(),
    );
  });

  it("gives every demo task the verdict it was written to get, through the queue and a worker", async () => {
    worker = await startWorker({ db, sandbox, concurrency: 2, log: () => undefined });
    const { rerunId, taskCount } = await requestRerun({ db, filter: { batch: "picked" } });
    expect(taskCount).toBe(picked.length);
    const progress = await waitFor(rerunId);
    expect(progress.runs).toEqual({ queued: 0, running: 0, done: picked.length, failed: 0, cancelled: 0 });
    const tasks = await db.prisma.task.findMany({
      select: { externalId: true, verdictStatus: true, verdictReason: true, verdictRunId: true },
    });
    const got = Object.fromEntries(
      tasks.map((t) => [t.externalId, t.verdictReason ?? (t.verdictStatus === "accepted" ? null : t.verdictStatus)]),
    );
    const want = Object.fromEntries(picked.map((t) => [t.id, t.metadata.expected_reason]));
    expect(got).toEqual(want);
    expect(tasks.every((t) => t.verdictRunId !== null)).toBe(true);
    // Every case ran, every time: one row per case, even after the first miss.
    const runs = await db.prisma.filterRun.findMany({
      where: { rerunId },
      select: {
        revision: { select: { failureCases: true } },
        _count: { select: { cases: true } },
        codeHash: true,
        pack: { select: { hash: true } },
      },
    });
    for (const r of runs) {
      expect(r._count.cases).toBe(1 + r.revision.failureCases.length);
      expect(r.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.pack?.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("exports the verdict with its cases and pack hash, and counts the funnel", async () => {
    let out = "";
    for await (const line of exportTasks({ db, batch: "picked" })) out += line;
    const rows = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const invalid = rows.find((r) => r.metadata.expected_reason === "verifier_invalid")!;
    expect(invalid.verdict).toMatchObject({
      status: "rejected",
      reason: "verifier_invalid",
      packHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const accepted = rows.find((r) => r.metadata.expected_reason === null)!;
    expect(accepted.verdict.status).toBe("accepted");
    expect(accepted.verdict.cases[0]).toMatchObject({
      role: "solution",
      index: 0,
      outcome: "pass",
      durationMs: expect.any(Number),
    });
    expect(
      accepted.verdict.cases
        .slice(1)
        .every((c: { role: string; outcome: string }) => c.role === "failure" && c.outcome === "fail"),
    ).toBe(true);

    const [funnel] = await getFunnel({ db, by: "batch" });
    expect(funnel).toMatchObject({
      group: "picked",
      tasks: 12,
      run: 12,
      verifierLoads: 10,
      solutionPasses: 8,
      accepted: 2,
    });
  });

  it("writes only for the worker holding the run: a finished run is left alone, a taken-over run is redone once", async () => {
    const run = await db.prisma.filterRun.findFirstOrThrow({
      where: { status: "done" },
      select: { id: true, _count: { select: { cases: true } } },
    });
    const me = newWorkerId();
    expect(await runFilterJob({ db, sandbox, runId: run.id, workerId: me })).toBe("lost");
    // As if its worker died mid-run: running, with a lease that lapsed.
    await db.prisma.filterRun.update({
      where: { id: run.id },
      data: { status: "running", workerId: "dead-worker", leaseUntil: new Date(Date.now() - 1000) },
    });
    expect(await claimRows(db, "filter_runs", me, 5, 30)).toEqual([{ id: run.id, attempts: expect.any(Number) }]);
    expect(await runFilterJob({ db, sandbox, runId: run.id, workerId: "dead-worker" })).toBe("lost"); // its late result is fenced off
    expect(await runFilterJob({ db, sandbox, runId: run.id, workerId: me })).toBe("done");
    expect(await db.prisma.caseResult.count({ where: { runId: run.id } })).toBe(run._count.cases);
    expect(
      await db.prisma.filterRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, workerId: true } }),
    ).toEqual({ status: "done", workerId: null });
  });

  it("interleaves reruns, and puts an edit's run ahead of both", async () => {
    await worker?.stop();
    worker = undefined;
    const a = await requestRerun({ db, filter: { batch: "picked" } });
    const b = await requestRerun({ db, filter: { batch: "picked" } });
    const edit = await requestRerun({ db, externalIds: [picked[0]!.id], interactive: true });
    const me = newWorkerId();
    const order: number[] = [];
    for (;;) {
      const [row] = await claimRows(db, "filter_runs", me, 1, 30);
      if (!row) break;
      order.push(
        (await db.prisma.filterRun.findUniqueOrThrow({ where: { id: row.id }, select: { rerunId: true } })).rerunId!,
      );
    }
    expect(order[0]).toBe(edit.rerunId);
    const rest = order.slice(1);
    expect(rest).toHaveLength(2 * picked.length);
    // a, b, a, b, …: every pair holds one run of each
    for (let i = 0; i < rest.length; i += 2)
      expect([rest[i], rest[i + 1]].sort()).toEqual([a.rerunId, b.rerunId].sort());
    await db.prisma.filterRun.updateMany({ where: { workerId: me }, data: { status: "cancelled", workerId: null } });
  });

  it("renews the lease of a run slower than the lease, so it is never taken over and run twice", async () => {
    // Two workers; the case sleeps 5 s, longer than the 3 s lease.
    const slow = JSON.stringify({
      id: "slow-1",
      environment: "retail",
      instruction: "slow",
      verifier: "def verify(state, answer):\n    return answer == 'ok'\n",
      solution: "import time\ntime.sleep(5)\nrespond('ok')",
      failure_cases: ["respond('no')"],
    });
    await importTasks({ db, source: Readable.from([slow]), batchName: "slow" });
    const w1 = await startWorker({ db, sandbox, concurrency: 1, log: () => undefined });
    const w2 = await startWorker({ db, sandbox, concurrency: 1, log: () => undefined });
    try {
      const { rerunId } = await requestRerun({ db, filter: { batch: "slow" } });
      const p = await waitFor(rerunId, 60_000);
      expect(p.runs.done).toBe(1);
      const run = await db.prisma.filterRun.findFirstOrThrow({
        where: { rerunId },
        select: { attempts: true, verdictStatus: true, _count: { select: { cases: true } } },
      });
      expect(run).toEqual({ attempts: 1, verdictStatus: "accepted", _count: { cases: 2 } });
    } finally {
      await Promise.all([w1.stop(), w2.stop()]);
    }
  }, 90_000);

  it("fails a run whose workers died on every attempt, saying so", async () => {
    const { rerunId } = await requestRerun({ db, externalIds: [picked[0]!.id] });
    await db.prisma.filterRun.updateMany({
      where: { rerunId },
      data: { status: "running", attempts: 3, workerId: "dead-worker", leaseUntil: new Date(Date.now() - 1000) },
    });
    worker = await startWorker({ db, sandbox, concurrency: 1, log: () => undefined });
    const p = await waitFor(rerunId);
    expect(p.runs.failed).toBe(1);
    expect(await db.prisma.filterRun.findFirstOrThrow({ where: { rerunId }, select: { error: true } })).toMatchObject({
      error: expect.stringContaining("stopped responding on every one of 3 attempts"),
    });
    await worker.stop();
    worker = undefined;
  });

  it("a worker that cannot run the sandbox takes no filter runs: they stay queued, and another worker runs them", async () => {
    const lines: string[] = [];
    const blind = await startWorker({ db, concurrency: 1, python: "/nonexistent/python3", log: (l) => lines.push(l) });
    try {
      const { rerunId } = await requestRerun({ db, externalIds: [picked[0]!.id] });
      await new Promise((r) => setTimeout(r, 2500));
      expect((await getRerunProgress({ db, rerunId })).runs).toMatchObject({ queued: 1, running: 0, failed: 0 });
      expect(blind.sandboxProblem()).toMatch(/python3/);
      expect(lines.join("\n")).toMatch(/not taking filter runs: .*python3/);
      worker = await startWorker({ db, sandbox, concurrency: 1, log: () => undefined });
      expect((await waitFor(rerunId)).runs.done).toBe(1);
    } finally {
      await blind.stop();
      await worker?.stop();
      worker = undefined;
    }
  });

  it("cancels the queued runs of a rerun", async () => {
    const { rerunId } = await requestRerun({ db, filter: { batch: "picked" } });
    expect(await cancelRerun({ db, rerunId })).toEqual({ cancelled: picked.length });
    const p = await getRerunProgress({ db, rerunId });
    expect(p).toMatchObject({ cancelled: true, finished: true, runs: { cancelled: picked.length, queued: 0 } });
  });

  it("refuses a pack that does not load, with its traceback", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-badpack-"));
    fs.writeFileSync(path.join(dir, "env.py"), "import json\nTOOLS = {'x': 1}\ndef load_state():\n    return {}\n");
    await expect(registerPack({ db, dir, name: "broken" })).rejects.toThrow(/does not load/);
    expect(await db.prisma.environment.count({ where: { name: "broken" } })).toBe(0);
    removeReadOnlyTree(dir);
  });
});
