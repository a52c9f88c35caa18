// Strength checks end to end on real components: demo retail tasks imported, the filter run by a
// worker in this process, the check queued by the accepted verdict (the strength_checks_enqueue
// trigger), claimed by the same worker once no filter run waits, run in the bubblewrap sandbox, and
// its result on the task and in the router's evidence. Then a leak added as a failure case, the
// verifier tightened, and the new revision checked again.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../api/root";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { addTasksToDataset, createDataset, publishVersion } from "../datasets/datasets";
import { exportDataset } from "../datasets/export-dataset";
import { cancelRerun, requestRerun } from "../filter/request-rerun";
import { claimRows, newWorkerId } from "../jobs/queue";
import { startWorker, type WorkerHandle } from "../jobs/worker";
import { registerPack } from "../packs/register-pack";
import { setReviewStatus } from "../review/review-tasks";
import { createSandbox, type Sandbox, type StrengthReport } from "../sandbox";
import { DEMO_PACK_DIR } from "../seed";
import { getStatistics } from "../stats/get-statistics";
import { exportTasks } from "../tasks/export-tasks";
import { importLines, testUser, tokenFor } from "../testing/fixtures";
import { callApi } from "../testing/rest";
import { requestStrengthChecks } from "./request-strength-checks";
import { runStrengthJob } from "./run-strength-check";
import { until as untilWithin } from "../testing/until";

type EvalTask = { id: string; environment: string; verifier: string; solution: string; failure_cases: string[] };
const EVAL = fs
  .readFileSync(path.resolve(import.meta.dirname, "fixtures/strength-eval.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as EvalTask);
const evalTask = (id: string) => EVAL.find((t) => t.id === `strength-${id}`)!;
const LENIENT = evalTask("cancel-status-only");
const STRICT = evalTask("cancel-fields");

let db: Db;
let sandbox: Sandbox;
let worker: WorkerHandle | undefined;
let caller: ReturnType<typeof createCaller>;
const ids: Record<string, number> = {};

beforeAll(async () => {
  db = await createTestDb();
  sandbox = createSandbox({ concurrency: 2 });
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  await importLines(db, "probe", [
    { ...LENIENT, id: "lenient" },
    { ...STRICT, id: "strict" },
    // rejected (its failure case is the solution): never checked
    { ...STRICT, id: "rejected", failure_cases: [STRICT.solution] },
  ]);
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  caller = createCaller({ db, actor: await testUser(db, "curator") });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await sandbox.close();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-strength-"));

/** Checks run after filter runs, a few variants each: more time than the default. */
const until = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  untilWithin(what, probe, 180_000, 200);

const checksOf = (taskId: number) =>
  db.prisma.strengthCheck.findMany({
    where: { taskId },
    orderBy: { id: "asc" },
    select: { id: true, revisionId: true, status: true, result: true, leaks: true, variants: true },
  });
const taskRow = (taskId: number) =>
  db.prisma.task.findUniqueOrThrow({
    where: { id: taskId },
    select: { verdictStatus: true, strength: true, strengthCheckId: true, currentRevisionId: true },
  });

describe("strength checks through the worker", () => {
  it("queues a check when a task is accepted, runs it after the filter, and records lenient or strong", async () => {
    expect(await db.prisma.strengthCheck.count()).toBe(0);
    worker = await startWorker({ db, sandbox, concurrency: 2, log: () => undefined });
    await requestRerun({ db, filter: { batch: "probe" } });
    const done = await until("both checks", async () => {
      const rows = await db.prisma.strengthCheck.findMany({ select: { status: true } });
      return rows.length === 2 && rows.every((r) => r.status === "done") && rows;
    });
    expect(done).toHaveLength(2);

    const lenient = await taskRow(ids.lenient!);
    expect(lenient).toMatchObject({ verdictStatus: "accepted", strength: "lenient" });
    const [check] = await checksOf(ids.lenient!);
    expect(check).toMatchObject({ status: "done", result: "lenient", revisionId: lenient.currentRevisionId });
    expect(check!.leaks).toBeGreaterThan(0);
    expect(lenient.strengthCheckId).toBe(check!.id);

    const strict = await taskRow(ids.strict!);
    expect(strict).toMatchObject({ verdictStatus: "accepted", strength: "strong" });
    expect((await checksOf(ids.strict!))[0]).toMatchObject({ result: "strong", leaks: 0 });

    // the evidence a reviewer reads: the leaking variant's code and how its state differs
    const shown = await caller.strength.get({ taskId: ids.lenient! });
    expect(shown.status).toBe("lenient");
    expect(shown.pending).toBe(false);
    expect(shown.check?.summary).toMatchObject({ leaks: check!.leaks, flaky: false });
    expect(shown.check!.summary!.unreadWrites).toContain("orders.#W8149997.cancel_reason");
    const report = shown.check!.report as StrengthReport;
    const leak = report.probes.find((p) => p.verdict === "leak")!;
    expect(leak.code).toContain("cancel_pending_order");
    expect(leak.delta?.length).toBeGreaterThan(0);
    // the same numbers on the task as scripts read it
    const detail = await caller.task.detail({ taskId: ids.lenient! });
    expect(detail.strengthStatus).toBe("lenient");
    expect(detail.strength).toEqual(shown.check!.summary);
    expect((await caller.task.detail({ taskId: ids.strict! })).strength).toMatchObject({ leaks: 0, flaky: false });
    await worker.stop();
    worker = undefined;
  }, 300_000);

  it("waits while a filter run is queued: checks are claimed only when none is", async () => {
    const { checkIds, matched } = await requestStrengthChecks({ db, taskIds: [ids.strict!], cap: 4 });
    expect(matched).toBe(1);
    const { rerunId } = await requestRerun({ db, taskIds: [ids.lenient!] });
    const workerId = newWorkerId();
    expect(await claimRows(db, "strength_checks", workerId, 5, 30)).toEqual([]);
    await cancelRerun({ db, rerunId });
    const claimed = await claimRows(db, "strength_checks", workerId, 5, 30);
    expect(claimed.map((c) => c.id)).toEqual(checkIds);
    expect(await runStrengthJob({ db, sandbox, checkId: checkIds[0]!, workerId })).toBe("done");
    const row = await db.prisma.strengthCheck.findUniqueOrThrow({ where: { id: checkIds[0]! } });
    expect(row).toMatchObject({ status: "done", result: "strong", variants: expect.any(Number) });
    expect(row.variants).toBeLessThanOrEqual(4);
    expect((await taskRow(ids.strict!)).strengthCheckId).toBe(row.id);
  }, 120_000);

  it("turns a leak into a failure case; the new revision is unchecked until its own accepted run is checked", async () => {
    const before = await taskRow(ids.lenient!);
    const shown = await caller.strength.get({ taskId: ids.lenient! });
    const report = shown.check!.report as StrengthReport;
    const variant = report.probes.findIndex((p) => p.verdict === "leak");
    const caught = report.probes.findIndex((p) => p.verdict !== "leak");

    // only a leak can be added, and only on the revision the reviewer saw
    await expect(
      caller.strength.addAsFailureCase({
        taskId: ids.lenient!,
        checkId: shown.check!.id,
        variant: caught,
        baseRevisionId: before.currentRevisionId!,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const added = await caller.strength.addAsFailureCase({
      taskId: ids.lenient!,
      checkId: shown.check!.id,
      variant,
      baseRevisionId: before.currentRevisionId!,
    });
    expect(added.number).toBe(2);
    await expect(
      caller.strength.addAsFailureCase({
        taskId: ids.lenient!,
        checkId: shown.check!.id,
        variant,
        baseRevisionId: before.currentRevisionId!,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const rev = await db.prisma.taskRevision.findUniqueOrThrow({ where: { id: added.revisionId } });
    expect(rev.failureCases.at(-1)).toBe(report.probes[variant]!.code);
    expect(await taskRow(ids.lenient!)).toMatchObject({ strength: "unchecked", strengthCheckId: null });

    // the lenient verifier passes its own leak: rejected, so not checked
    worker = await startWorker({ db, sandbox, concurrency: 2, log: () => undefined });
    await until("the edit's run", async () => (await taskRow(ids.lenient!)).verdictStatus !== "pending");
    expect((await taskRow(ids.lenient!)).verdictStatus).toBe("rejected");
    expect((await checksOf(ids.lenient!)).filter((c) => c.revisionId === added.revisionId)).toEqual([]);

    // the verifier tightened: accepted, checked again, strong, and the statistics count it fixed
    const fixed = await caller.task.revise({
      taskId: ids.lenient!,
      verifier: STRICT.verifier,
      baseRevisionId: added.revisionId,
    });
    const check = await until("the new revision's check", async () => {
      const c = (await checksOf(ids.lenient!)).find((x) => x.revisionId === fixed.revisionId);
      return c?.status === "done" && c;
    });
    expect(check.result).toBe("strong");
    expect(await taskRow(ids.lenient!)).toMatchObject({
      verdictStatus: "accepted",
      strength: "strong",
      strengthCheckId: check.id,
    });
    const after = await caller.strength.get({ taskId: ids.lenient! });
    expect(after.history.map((h) => [h.revision, h.result])).toEqual([
      [3, "strong"],
      [1, "lenient"],
    ]);
    await worker.stop();
    worker = undefined;

    const stats = await getStatistics({ db, days: 30 });
    expect(stats.strength.byEnvironment).toEqual([
      expect.objectContaining({ key: "retail", accepted: 2, lenient: 0, strong: 2, fixed: 1 }),
    ]);
    expect(stats.strength.byBatch).toEqual([expect.objectContaining({ key: "probe", accepted: 2, fixed: 1 })]);
  }, 300_000);

  it("puts the exported revision's strength on export lines (JSONL, Parquet) and on the task over REST", async () => {
    const summaryOf = async (externalId: string) =>
      (await caller.strength.get({ taskId: ids[externalId]! })).check!.summary!;
    const lenientNow = await summaryOf("lenient");
    const strict = await summaryOf("strict");
    expect(Object.keys(strict).sort()).toEqual(["flaky", "leaks", "unreadWrites", "variants"]);

    const lines: Array<Record<string, unknown>> = [];
    for await (const l of exportTasks({ db, batch: "probe" })) lines.push(JSON.parse(l));
    expect(lines.map((l) => [l.id, l.strength])).toEqual([
      ["lenient", lenientNow],
      ["strict", strict],
      ["rejected", null],
    ]);

    // A published version: each line carries the check of the revision it holds.
    await setReviewStatus({
      userId: db.defaultUserId,
      db,
      selection: { taskIds: [ids.lenient!, ids.strict!] },
      status: "approved",
    });
    await setReviewStatus({
      userId: db.defaultUserId,
      db,
      selection: { taskIds: [ids.rejected!] },
      status: "approved",
      override: { reason: "kept to test an unchecked line" },
    });
    await createDataset({ userId: db.defaultUserId, db, name: "probed" });
    await addTasksToDataset({
      userId: db.defaultUserId,
      db,
      dataset: "probed",
      selection: { filter: { batch: "probe" } },
    });
    await publishVersion({ userId: db.defaultUserId, db, dataset: "probed" });
    const jsonl = path.join(dir, "probed.jsonl");
    await exportDataset({ db, ref: "probed@1", format: "jsonl", out: jsonl });
    const exported = fs
      .readFileSync(jsonl, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(exported.map((l) => [l.id, l.strength])).toEqual([
      ["lenient", lenientNow],
      ["strict", strict],
      ["rejected", null],
    ]);
    const parquet = path.join(dir, "probed.parquet");
    await exportDataset({ db, ref: "probed@1", format: "parquet", out: parquet });
    const conn = await (await DuckDBInstance.create(":memory:")).connect();
    const rows = (
      await conn.runAndReadAll(`select id, strength from read_parquet('${parquet}') order by id`)
    ).getRowObjectsJson();
    expect(rows.map((r) => [r.id, r.strength === null ? null : JSON.parse(r.strength as string)])).toEqual([
      ["lenient", lenientNow],
      ["rejected", null],
      ["strict", strict],
    ]);

    // REST: the task carries the same strength; checks are queued and followed through routes.
    const { headers } = await tokenFor(db, "curator");
    const call = (method: string, url: string, body?: unknown) => callApi(db, headers, method, url, body);
    const task = await call("GET", `/api/v1/tasks/${ids.lenient}`);
    expect(task.status).toBe(200);
    expect(task.json).toMatchObject({ strengthStatus: "strong", strength: lenientNow });
    expect((await call("GET", "/api/v1/tasks/retail/rejected")).json).toMatchObject({
      strengthStatus: "unchecked",
      strength: null,
    });
    const evidence = await call("GET", "/api/v1/tasks/retail/lenient/strength");
    expect(evidence.json).toMatchObject({ status: "strong", pending: false, check: { summary: lenientNow } });
    const queued = await call("POST", "/api/v1/strength-checks", { filter: { batch: "probe" }, cap: 2 });
    expect(queued.status).toBe(201);
    expect(queued.json).toMatchObject({ matched: 3, skipped: 1 });
    expect(queued.json.checkIds).toHaveLength(2);
    const progress = await call("GET", `/api/v1/strength-checks?checkIds=${queued.json.checkIds.join("&checkIds=")}`);
    expect(progress.json).toMatchObject({ queued: 2, finished: false });
    expect((await call("POST", "/api/v1/strength-checks", { taskIds: [] })).status).toBe(400);

    // The cap per environment is an administrator's: 0 turns checks off (a request naming a cap still runs).
    const env = { probeVariants: 0 };
    expect((await call("PUT", "/api/v1/environments/retail/probe-variants", env)).status).toBe(403);
    const admin = createCaller({ db, actor: await testUser(db, "admin") });
    expect(await admin.environment.setProbeVariants({ environment: "retail", ...env })).toEqual({
      environment: "retail",
      probeVariants: 0,
    });
    expect((await admin.environment.list()).find((e) => e.name === "retail")?.probeVariants).toBe(0);
    await db.prisma.strengthCheck.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
    expect(await requestStrengthChecks({ db, filter: { batch: "probe" } })).toEqual({
      checkIds: [],
      matched: 3,
      skipped: 3,
    });
    expect((await requestStrengthChecks({ db, taskIds: [ids.strict!], cap: 3 })).checkIds).toHaveLength(1);
  }, 120_000);
});
