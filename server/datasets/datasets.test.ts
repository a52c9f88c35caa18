import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { registerPack } from "../packs/register-pack";
import { setReviewStatus, setTaskLabel } from "../review/review-tasks";
import { saveTaskRevision } from "../review/save-revision";
import { BASIC } from "../sandbox/test-helpers";
import { importTasks } from "../tasks/import-tasks";
import { acceptedTask, importLines, lenientTask, registerFixturePack, runFilterNow } from "../testing/fixtures";
import {
  addTasksToDataset,
  createDataset,
  diffVersions,
  previewPublish,
  publishVersion,
  removeTasksFromDataset,
} from "./datasets";
import { exportDataset } from "./export-dataset";

let db: Db;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-datasets-"));
fs.chmodSync(dir, 0o755); // the sandbox runs as an unprivileged user and reads packs under it
const ids: Record<string, number> = {};
const task = (id: string) => ({
  ...acceptedTask(id, "calc"),
  instruction: `Compute ${id}.`,
  metadata: { generator: "test", n: id.length },
});
const approve = (id: string, override?: string) =>
  setReviewStatus({
    userId: db.defaultUserId,
    db,
    selection: { taskIds: [ids[id]!] },
    status: "approved",
    override: override ? { reason: override } : undefined,
  });
const review = (id: string) =>
  db.prisma.task.findUniqueOrThrow({
    where: { id: ids[id]! },
    select: { reviewStatus: true, reviewStale: true, reviewOverride: true, revisionCount: true },
  });

async function duck(sql: string) {
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

beforeAll(async () => {
  db = await createTestDb();
  await registerFixturePack(db, "calc");
  await importLines(db, "ds", [
    ...["d1", "d2", "d3", "d4"].map(task),
    { ...lenientTask("d5", "calc"), metadata: { generator: "test", n: 2 } },
  ]);
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  await runFilterNow(db, { filter: { batch: "ds" } });
  for (const id of ["d1", "d2", "d3"]) await approve(id);
  const fp = await db.prisma.label.findUniqueOrThrow({ where: { name: "trivial" } });
  await setTaskLabel({ userId: db.defaultUserId, db, selection: { taskIds: [ids.d1!] }, labelId: fp.id, on: true });
}, 120_000);
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("datasets", () => {
  it("refuses bad and colliding names", async () => {
    await expect(createDataset({ userId: db.defaultUserId, db, name: "../etc" })).rejects.toThrow(
      /Invalid dataset name/,
    );
    await expect(createDataset({ userId: db.defaultUserId, db, name: "a b" })).rejects.toThrow(/Invalid dataset name/);
    await createDataset({ userId: db.defaultUserId, db, name: "calc-v" });
    await expect(createDataset({ userId: db.defaultUserId, db, name: "calc-v" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("publishes only tasks approved on their current revision: an edit makes the review stale and the task drops out", async () => {
    await createDataset({ userId: db.defaultUserId, db, name: "empty" });
    await expect(publishVersion({ userId: db.defaultUserId, db, dataset: "empty" })).rejects.toThrow(/has no tasks/);
    expect(
      await addTasksToDataset({
        userId: db.defaultUserId,
        db,
        dataset: "calc-v",
        selection: { filter: { batch: "ds" } },
      }),
    ).toEqual({ added: 3, alreadyIn: 0, skippedNotApproved: 2 });
    const v1 = await publishVersion({
      userId: db.defaultUserId,
      db,
      dataset: "calc-v",
      name: "first",
      notes: "three tasks",
    });
    expect(v1).toMatchObject({ version: 1, tasks: 3, excluded: [] });

    // An edit after publishing makes a new revision: version 1 keeps the old one, and the approval
    // (made on revision 1) no longer counts: the task is unreviewed, its old decision stale.
    const d2 = await db.prisma.task.findUniqueOrThrow({ where: { id: ids.d2! }, select: { currentRevisionId: true } });
    await saveTaskRevision({
      userId: db.defaultUserId,
      db,
      taskId: ids.d2!,
      baseRevisionId: d2.currentRevisionId!,
      content: {
        instruction: "Compute d2, carefully.",
        verifier: task("d2").verifier,
        solution: task("d2").solution,
        failureCases: task("d2").failure_cases,
      },
    });
    expect(await review("d2")).toEqual({
      reviewStatus: "unreviewed",
      reviewStale: true,
      reviewOverride: null,
      revisionCount: 2,
    });
    const item = await db.prisma.datasetVersionItem.findFirstOrThrow({
      where: { versionId: v1.id!, taskId: ids.d2! },
      select: { revision: { select: { instruction: true } } },
    });
    expect(item.revision.instruction).toBe("Compute d2.");

    await approve("d4");
    await addTasksToDataset({ userId: db.defaultUserId, db, dataset: "calc-v", selection: { taskIds: [ids.d4!] } });
    await removeTasksFromDataset({ db, dataset: "calc-v", selection: { taskIds: [ids.d3!] } });
    const preview = await previewPublish({ db, dataset: "calc-v" });
    expect(preview).toMatchObject({
      included: 2,
      excludedCount: 1,
      excluded: [{ id: "d2", reason: "stale_review" }],
      changes: { previous: 1, added: 1, removed: 2, changed: 0 },
    });
    const v2 = await publishVersion({ userId: db.defaultUserId, db, dataset: "calc-v" });
    expect(v2).toMatchObject({ version: 2, tasks: 2, excluded: [{ id: "d2", reason: "stale_review" }] });
    const diff = await diffVersions({ db, dataset: "calc-v", from: 1, to: 2 });
    expect(diff.added.map((a) => a.externalId)).toEqual(["d4"]);
    expect(diff.removed.map((a) => a.externalId)).toEqual(["d2", "d3"]);

    // Re-run and re-approved on revision 2, it is back, at its new revision.
    await runFilterNow(db, { taskIds: [ids.d2!] });
    await approve("d2");
    const v3 = await publishVersion({ userId: db.defaultUserId, db, dataset: "calc-v" });
    expect(v3).toMatchObject({ version: 3, tasks: 3, excluded: [], changes: { added: 1, removed: 0, changed: 0 } });
  }, 60_000);

  it("does not publish an unchanged working set unless asked", async () => {
    const same = await publishVersion({ userId: db.defaultUserId, db, dataset: "calc-v" });
    expect(same).toMatchObject({ version: null, unchanged: true, changes: { previous: 3 } });
    expect(await db.prisma.datasetVersion.count({ where: { dataset: { name: "calc-v" } } })).toBe(3);
    const forced = await publishVersion({
      userId: db.defaultUserId,
      db,
      dataset: "calc-v",
      allowEmptyChange: true,
      notes: "same again",
    });
    expect(forced).toMatchObject({ version: 4, unchanged: true });
  });

  it("refuses to approve a task the filter rejected, unless overridden with a reason; the override ships and is counted", async () => {
    expect(
      (await db.prisma.task.findUniqueOrThrow({ where: { id: ids.d5! }, select: { verdictReason: true } }))
        .verdictReason,
    ).toBe("failure_case_passing");
    await expect(approve("d5")).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/d5 is rejected by the filter \(revision 1\): approving it needs an override/),
    });
    expect((await review("d5")).reviewStatus).toBe("unreviewed");
    // In bulk, the tasks that qualify are approved and the others are reported.
    const bulk = await setReviewStatus({
      userId: db.defaultUserId,
      db,
      selection: { taskIds: [ids.d5!, ids.d4!] },
      status: "approved",
    });
    expect(bulk.refused).toMatchObject({ count: 1, tasks: [{ externalId: "d5", block: "rejected" }] });
    await expect(
      setReviewStatus({
        userId: db.defaultUserId,
        db,
        selection: { taskIds: [ids.d5!] },
        status: "approved",
        override: { reason: "  " },
      }),
    ).rejects.toThrow(/needs a written reason/);
    await approve("d5", "the failure case is itself wrong; the task is good");
    expect(await review("d5")).toMatchObject({
      reviewStatus: "approved",
      reviewOverride: "the failure case is itself wrong; the task is good",
    });
    const event = await db.prisma.reviewEvent.findFirstOrThrow({
      where: { taskId: ids.d5!, kind: "status" },
      orderBy: { id: "desc" },
      select: { override: true, body: true, revisionId: true, runId: true },
    });
    expect(event).toMatchObject({
      override: true,
      body: "the failure case is itself wrong; the task is good",
      runId: expect.any(Number),
    });

    await createDataset({ userId: db.defaultUserId, db, name: "with-override" });
    await addTasksToDataset({
      userId: db.defaultUserId,
      db,
      dataset: "with-override",
      selection: { taskIds: [ids.d1!, ids.d5!] },
    });
    expect(await publishVersion({ userId: db.defaultUserId, db, dataset: "with-override" })).toMatchObject({
      version: 1,
      tasks: 2,
      excluded: [],
    });
    const out = path.join(dir, "override-hf");
    await exportDataset({ db, ref: "with-override@1", format: "hf", out });
    const card = fs.readFileSync(path.join(out, "README.md"), "utf8");
    expect(card).toContain("Approved by override: 1");
    expect(card).toContain('1 × "the failure case is itself wrong; the task is good"');
    const jsonl = path.join(dir, "override.jsonl");
    await exportDataset({ db, ref: "with-override@1", format: "jsonl", out: jsonl });
    const lines = fs
      .readFileSync(jsonl, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.review])).toEqual([
      ["d1", { status: "approved", revision: 1, stale: false, override: null }],
      [
        "d5",
        {
          status: "approved",
          revision: 1,
          stale: false,
          override: { reason: "the failure case is itself wrong; the task is good" },
        },
      ],
    ]);
  }, 60_000);

  it("leaves out a task whose verdict turned: first not run on the new pack version, then rejected by it", async () => {
    // A new version of the environment in which increment() adds 2: a task that checks the counter breaks.
    const counter = {
      ...acceptedTask("k1", "calc"),
      verifier: "def verify(state, answer):\n    return state['counter'] == 1\n",
      solution: "increment()",
      failure_cases: ["pass"],
    };
    await importLines(db, "counter", [counter]);
    const k1 = (await db.prisma.task.findFirstOrThrow({ where: { externalId: "k1" }, select: { id: true } })).id;
    ids.k1 = k1;
    await runFilterNow(db, { taskIds: [k1] });
    await approve("k1");
    await createDataset({ userId: db.defaultUserId, db, name: "turning" });
    await addTasksToDataset({
      userId: db.defaultUserId,
      db,
      dataset: "turning",
      selection: { taskIds: [k1, ids.d1!] },
    });
    expect(await publishVersion({ userId: db.defaultUserId, db, dataset: "turning" })).toMatchObject({
      version: 1,
      tasks: 2,
    });

    const packDir = path.join(dir, "calc-v2");
    fs.cpSync(BASIC.dir, packDir, { recursive: true });
    const env = path.join(packDir, "env.py");
    fs.writeFileSync(env, fs.readFileSync(env, "utf8").replace('state["counter"] += by', 'state["counter"] += 2 * by'));
    await registerPack({ db, dir: packDir, name: "calc", newVersion: true });
    expect((await previewPublish({ db, dataset: "turning" })).excluded).toEqual(
      [
        { id: "k1", reason: "old_pack", message: expect.any(String) },
        { id: "d1", reason: "old_pack", message: expect.any(String) },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    await runFilterNow(db, { taskIds: [k1, ids.d1!] });
    const v2 = await publishVersion({ userId: db.defaultUserId, db, dataset: "turning" });
    expect(v2).toMatchObject({ version: 2, tasks: 1, excluded: [{ id: "k1", reason: "rejected" }] });
    const diff = await diffVersions({ db, dataset: "turning", from: 1, to: 2 });
    expect(diff.removed.map((r) => r.externalId)).toEqual(["k1"]);
  }, 90_000);

  it("exports JSONL that imports back to the same tasks and metadata", async () => {
    const out = path.join(dir, "v1.jsonl");
    const r = await exportDataset({ db, ref: "calc-v@1", format: "jsonl", out });
    expect(r).toMatchObject({ version: 1, tasks: 3 });
    const lines = fs
      .readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["d1", "d2", "d3"]);
    expect(lines[1]).toMatchObject({
      instruction: "Compute d2.",
      metadata: { generator: "test", n: 2 },
      verdict: { status: "accepted" },
      review: { status: "approved", revision: 1, override: null },
    });
    // Into a fresh database: the same tasks come back.
    const other = await createTestDb();
    await other.prisma.environment.create({ data: { name: "calc" } });
    const back = await importTasks({ db: other, source: fs.createReadStream(out), batchName: "back" });
    expect(back).toMatchObject({ created: 3, errorCount: 0 });
    const again = await importTasks({ db, source: fs.createReadStream(out), batchName: "again" });
    expect(again).toMatchObject({ created: 0, errorCount: 0 }); // d2 is revised: v1 holds its old text
    await other.close();
  });

  it("exports Parquet that DuckDB reads, with failure cases as a list", async () => {
    const out = path.join(dir, "v2.parquet");
    await exportDataset({ db, ref: "calc-v", format: "parquet", out });
    const rows = await duck(
      `select id, instruction, failure_cases, verdict_status, revision, metadata from read_parquet('${out}') order by id`,
    );
    expect(rows).toEqual([
      {
        id: "d1",
        instruction: "Compute d1.",
        failure_cases: ["respond('5')", "pass"],
        verdict_status: "accepted",
        revision: 1,
        metadata: '{"generator":"test","n":2}',
      },
      {
        id: "d2",
        instruction: "Compute d2, carefully.",
        failure_cases: ["respond('5')", "pass"],
        verdict_status: "accepted",
        revision: 2,
        metadata: '{"generator":"test","n":2}',
      },
      {
        id: "d4",
        instruction: "Compute d4.",
        failure_cases: ["respond('5')", "pass"],
        verdict_status: "accepted",
        revision: 1,
        metadata: '{"generator":"test","n":2}',
      },
    ]);
  });

  it("exports a Hugging Face folder: data files and a dataset card with features, sizes and provenance", async () => {
    const out = path.join(dir, "hf");
    await exportDataset({ db, ref: "calc-v@1", format: "hf", out });
    const card = fs.readFileSync(path.join(out, "README.md"), "utf8");
    expect(card).toMatch(/^---\npretty_name: "calc-v v1"/);
    expect(card).toContain("  - name: failure_cases\n    sequence: string");
    expect(card).toContain("    num_examples: 3");
    expect(card).toContain("path: data/train-00000-of-00001.parquet");
    expect(card).toContain("- trivial: 1");
    expect(card).toContain("**Notes.** three tasks");
    expect(card).toMatch(/app_version: "[\d.]+"/);
    const rows = await duck(
      `select count(*)::int as n from read_parquet('${path.join(out, "data/train-00000-of-00001.parquet")}')`,
    );
    expect(rows).toEqual([{ n: 3 }]);
  });

  it("refuses a version that does not exist, leaving nothing on disk", async () => {
    const out = path.join(dir, "nope.jsonl");
    await expect(exportDataset({ db, ref: "calc-v@9", format: "jsonl", out })).rejects.toThrow(
      "Dataset 'calc-v' has no version 9.",
    );
    await expect(exportDataset({ db, ref: "missing", format: "jsonl", out })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("nope"))).toEqual([]);
  });
});

describe("background exports", () => {
  it("runs an export as a job with progress, and refuses downloads before it is done", async () => {
    const { requestExport, getExport, exportFile, runExportJob } = await import("./export-jobs");
    const { claimRows, newWorkerId } = await import("../jobs/queue");
    const { exportId, total } = await requestExport({
      userId: db.defaultUserId,
      db,
      ref: "calc-v@3",
      format: "parquet",
    });
    expect(total).toBe(3);
    await expect(exportFile({ db, exportId })).rejects.toThrow(/is queued/);
    const workerId = newWorkerId();
    expect(await claimRows(db, "dataset_exports", workerId, 5, 30)).toEqual([{ id: exportId, attempts: 1 }]);
    expect(await runExportJob({ db, exportId, workerId })).toBe("done");
    const done = await getExport({ db, exportId });
    expect(done).toMatchObject({ status: "done", done: 3, total: 3, ready: true, fileName: "calc-v-v3.parquet" });
    const rows = await duck(`select count(*)::int as n from read_parquet('${await exportFile({ db, exportId })}')`);
    expect(rows).toEqual([{ n: 3 }]);
    expect(await runExportJob({ db, exportId, workerId })).toBe("lost"); // a repeated job leaves a finished export alone
    expect((await getExport({ db, exportId })).status).toBe("done");
  });
});
