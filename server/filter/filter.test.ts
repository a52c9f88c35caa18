// The filter end to end on real components: the demo pack registered through the sandbox, demo tasks
// imported, reruns queued on pg-boss, a worker running them in the bubblewrap sandbox, verdicts
// recorded and exported. The demo tasks carry the verdict they were written to get.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { startFilterWorker, sweepLostRuns, type FilterWorker } from "../jobs/filter-worker";
import { getQueue, jobIdForRun, stopQueue } from "../jobs/queue";
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
let worker: FilterWorker | undefined;
const demo = fs.readFileSync(DEMO_TASKS_FILE, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; metadata: { expected_reason: string | null } });
// Two tasks of every expected outcome: enough to cover the reason order, quick to run.
const picked = [...new Set(demo.map((t) => t.metadata.expected_reason))].flatMap((reason) => demo.filter((t) => t.metadata.expected_reason === reason).slice(0, 2));

beforeAll(async () => {
  db = await createTestDb();
  sandbox = createSandbox({ concurrency: 2 });
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  const lines = picked.map((t) => JSON.stringify(t)).join("\n");
  await importTasks({ db, source: Readable.from([lines]), batchName: "picked" });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await stopQueue(db);
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
    expect((pack.toolSchemas as Array<{ function: { name: string } }>).map((s) => s.function.name).sort()).toEqual([...pack.tools].sort());
  });

  it("gives every demo task the verdict it was written to get, through the queue and a worker", async () => {
    worker = await startFilterWorker({ db, sandbox, concurrency: 2, log: () => undefined });
    const { rerunId, taskCount } = await requestRerun({ db, filter: { batch: "picked" } });
    expect(taskCount).toBe(picked.length);
    const progress = await waitFor(rerunId);
    expect(progress.runs).toEqual({ queued: 0, running: 0, done: picked.length, failed: 0, cancelled: 0 });
    const tasks = await db.prisma.task.findMany({ select: { externalId: true, verdictStatus: true, verdictReason: true, verdictRunId: true } });
    const got = Object.fromEntries(tasks.map((t) => [t.externalId, t.verdictReason ?? (t.verdictStatus === "accepted" ? null : t.verdictStatus)]));
    const want = Object.fromEntries(picked.map((t) => [t.id, t.metadata.expected_reason]));
    expect(got).toEqual(want);
    expect(tasks.every((t) => t.verdictRunId !== null)).toBe(true);
    // Every case ran, every time: one row per case, even after the first miss.
    const runs = await db.prisma.filterRun.findMany({ where: { rerunId }, select: { revision: { select: { failureCases: true } }, _count: { select: { cases: true } }, codeHash: true, pack: { select: { hash: true } } } });
    for (const r of runs) {
      expect(r._count.cases).toBe(1 + r.revision.failureCases.length);
      expect(r.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.pack?.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("exports the verdict with its cases and pack hash, and counts the funnel", async () => {
    let out = "";
    for await (const line of exportTasks({ db, batch: "picked" })) out += line;
    const rows = out.trim().split("\n").map((l) => JSON.parse(l));
    const invalid = rows.find((r) => r.metadata.expected_reason === "verifier_invalid")!;
    expect(invalid.verdict).toMatchObject({ status: "rejected", reason: "verifier_invalid", packHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const accepted = rows.find((r) => r.metadata.expected_reason === null)!;
    expect(accepted.verdict.status).toBe("accepted");
    expect(accepted.verdict.cases[0]).toMatchObject({ role: "solution", index: 0, outcome: "pass", durationMs: expect.any(Number) });
    expect(accepted.verdict.cases.slice(1).every((c: { role: string; outcome: string }) => c.role === "failure" && c.outcome === "fail")).toBe(true);

    const [funnel] = await getFunnel({ db, by: "batch" });
    expect(funnel).toMatchObject({ group: "picked", tasks: 12, run: 12, verifierLoads: 10, solutionPasses: 8, accepted: 2 });
  });

  it("is idempotent: repeating a finished job changes nothing; re-recording replaces, never duplicates", async () => {
    const run = await db.prisma.filterRun.findFirstOrThrow({ where: { status: "done" }, select: { id: true, _count: { select: { cases: true } } } });
    expect(await runFilterJob({ db, sandbox, runId: run.id, lastAttempt: true })).toBe("skipped");
    await db.prisma.filterRun.update({ where: { id: run.id }, data: { status: "running" } }); // as if its worker died mid-run
    expect(await runFilterJob({ db, sandbox, runId: run.id, lastAttempt: true })).toBe("done");
    expect(await db.prisma.caseResult.count({ where: { runId: run.id } })).toBe(run._count.cases);
  });

  it("cancels the queued runs of a rerun", async () => {
    await worker?.stop();
    worker = undefined;
    const { rerunId } = await requestRerun({ db, filter: { batch: "picked" } });
    expect(await cancelRerun({ db, rerunId })).toEqual({ cancelled: picked.length });
    const p = await getRerunProgress({ db, rerunId });
    expect(p).toMatchObject({ cancelled: true, finished: true, runs: { cancelled: picked.length, queued: 0 } });
  });

  it("re-enqueues a run whose job is missing, and fails a run whose job failed for good", async () => {
    const { rerunId } = await requestRerun({ db, externalIds: [picked[0]!.id, picked[1]!.id] });
    const [a, b] = await db.prisma.filterRun.findMany({ where: { rerunId }, select: { id: true }, orderBy: { id: "asc" } });
    await db.pool.query(`delete from pgboss.job where id = $1`, [jobIdForRun(a!.id)]);
    await db.pool.query(`update filter_runs set created_at = now() - interval '1 minute' where id = $1`, [a!.id]);
    await db.pool.query(`update pgboss.job set state = 'failed' where id = $1`, [jobIdForRun(b!.id)]);
    expect(await sweepLostRuns(db)).toEqual({ failed: 1, requeued: 1 });
    const boss = await getQueue(db);
    expect((await boss.getJobById("filter-run", jobIdForRun(a!.id)))?.state).toBe("created");
    expect(await db.prisma.filterRun.findUniqueOrThrow({ where: { id: b!.id }, select: { status: true, error: true } })).toMatchObject({ status: "failed", error: expect.stringContaining("stopped responding") });
  });

  it("refuses a pack that does not load, with its traceback", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-badpack-"));
    fs.writeFileSync(path.join(dir, "env.py"), "import json\nTOOLS = {'x': 1}\ndef load_state():\n    return {}\n");
    await expect(registerPack({ db, dir, name: "broken" })).rejects.toThrow(/does not load/);
    expect(await db.prisma.environment.count({ where: { name: "broken" } })).toBe(0);
    removeReadOnlyTree(dir);
  });
});
