import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { setReviewStatus, setTaskLabel } from "../review/review-tasks";
import { saveTaskRevision } from "../review/save-revision";
import { importTasks } from "../tasks/import-tasks";
import { addTasksToDataset, createDataset, diffVersions, publishVersion } from "./datasets";
import { exportDataset } from "./export-dataset";

let db: Db;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-datasets-"));
const ids: Record<string, number> = {};
const task = (id: string) => ({
  id,
  environment: "calc",
  instruction: `Compute ${id}.`,
  verifier: "def verify(state, answer):\n    return answer == '4'\n",
  solution: "respond('4')",
  failure_cases: ["respond('5')", "pass"],
  metadata: { generator: "test", n: id.length },
});

async function duck(sql: string) {
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.create({ data: { name: "calc" } });
  await importTasks({ db, source: Readable.from([["d1", "d2", "d3", "d4"].map((t) => JSON.stringify(task(t))).join("\n")]), batchName: "ds" });
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  await setReviewStatus({ db, selection: { taskIds: [ids.d1!, ids.d2!, ids.d3!] }, status: "approved" });
  const fp = await db.prisma.label.findUniqueOrThrow({ where: { name: "trivial" } });
  await setTaskLabel({ db, selection: { taskIds: [ids.d1!] }, labelId: fp.id, on: true });
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("datasets", () => {
  it("refuses bad and colliding names", async () => {
    await expect(createDataset({ db, name: "../etc" })).rejects.toThrow(/Invalid dataset name/);
    await expect(createDataset({ db, name: "a b" })).rejects.toThrow(/Invalid dataset name/);
    await createDataset({ db, name: "calc-v" });
    await expect(createDataset({ db, name: "calc-v" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("takes only approved tasks, refuses to publish an empty dataset, and freezes versions", async () => {
    await createDataset({ db, name: "empty" });
    await expect(publishVersion({ db, dataset: "empty" })).rejects.toThrow(/has no tasks/);
    expect(await addTasksToDataset({ db, dataset: "calc-v", selection: { filter: { batch: "ds" } } })).toEqual({ added: 3, alreadyIn: 0, skippedNotApproved: 1 });
    const v1 = await publishVersion({ db, dataset: "calc-v", name: "first", notes: "three tasks" });
    expect(v1).toMatchObject({ number: 1, tasks: 3 });

    // An edit after publishing makes a new revision; version 1 keeps the old one.
    const d2 = await db.prisma.task.findUniqueOrThrow({ where: { id: ids.d2! }, select: { currentRevisionId: true } });
    await saveTaskRevision({ db, taskId: ids.d2!, baseRevisionId: d2.currentRevisionId!, content: { instruction: "Compute d2, carefully.", verifier: task("d2").verifier, solution: task("d2").solution, failureCases: task("d2").failure_cases } });
    const item = await db.prisma.datasetVersionItem.findFirstOrThrow({ where: { versionId: v1.id, taskId: ids.d2! }, select: { revision: { select: { instruction: true } } } });
    expect(item.revision.instruction).toBe("Compute d2.");

    await setReviewStatus({ db, selection: { taskIds: [ids.d4!] }, status: "approved" });
    await addTasksToDataset({ db, dataset: "calc-v", selection: { taskIds: [ids.d4!] } });
    await db.prisma.datasetTask.deleteMany({ where: { taskId: ids.d3! } });
    const v2 = await publishVersion({ db, dataset: "calc-v" });
    expect(v2.number).toBe(2);
    const diff = await diffVersions({ db, dataset: "calc-v", from: 1, to: 2 });
    expect(diff.added.map((a) => a.externalId)).toEqual(["d4"]);
    expect(diff.removed.map((a) => a.externalId)).toEqual(["d3"]);
    expect(diff.changed.map((a) => a.externalId)).toEqual(["d2"]);
  });

  it("exports JSONL that imports back to the same tasks and metadata", async () => {
    const out = path.join(dir, "v1.jsonl");
    const r = await exportDataset({ db, ref: "calc-v@1", format: "jsonl", out });
    expect(r).toMatchObject({ version: 1, tasks: 3 });
    const lines = fs.readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["d1", "d2", "d3"]);
    expect(lines[1]).toMatchObject({ instruction: "Compute d2.", metadata: { generator: "test", n: 2 }, verdict: { status: "pending" } });
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
    const rows = await duck(`select id, instruction, failure_cases, verdict_status, revision, metadata from read_parquet('${out}') order by id`);
    expect(rows).toEqual([
      { id: "d1", instruction: "Compute d1.", failure_cases: ["respond('5')", "pass"], verdict_status: "pending", revision: 1, metadata: '{"generator":"test","n":2}' },
      { id: "d2", instruction: "Compute d2, carefully.", failure_cases: ["respond('5')", "pass"], verdict_status: "pending", revision: 2, metadata: '{"generator":"test","n":2}' },
      { id: "d4", instruction: "Compute d4.", failure_cases: ["respond('5')", "pass"], verdict_status: "pending", revision: 1, metadata: '{"generator":"test","n":2}' },
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
    const rows = await duck(`select count(*)::int as n from read_parquet('${path.join(out, "data/train-00000-of-00001.parquet")}')`);
    expect(rows).toEqual([{ n: 3 }]);
  });

  it("refuses a version that does not exist, leaving nothing on disk", async () => {
    const out = path.join(dir, "nope.jsonl");
    await expect(exportDataset({ db, ref: "calc-v@9", format: "jsonl", out })).rejects.toThrow("Dataset 'calc-v' has no version 9.");
    await expect(exportDataset({ db, ref: "missing", format: "jsonl", out })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("nope"))).toEqual([]);
  });
});

describe("background exports", () => {
  it("runs an export as a job with progress, and refuses downloads before it is done", async () => {
    const { requestExport, getExport, exportFile, runExportJob } = await import("./export-jobs");
    const { claimRows, newWorkerId } = await import("../jobs/queue");
    const { exportId, total } = await requestExport({ db, ref: "calc-v@2", format: "parquet" });
    expect(total).toBe(3);
    await expect(exportFile({ db, exportId })).rejects.toThrow(/is queued/);
    const workerId = newWorkerId();
    expect(await claimRows(db, "dataset_exports", workerId, 5, 30)).toEqual([{ id: exportId, attempts: 1 }]);
    expect(await runExportJob({ db, exportId, workerId })).toBe("done");
    const done = await getExport({ db, exportId });
    expect(done).toMatchObject({ status: "done", done: 3, total: 3, ready: true, fileName: "calc-v-v2.parquet" });
    const rows = await duck(`select count(*)::int as n from read_parquet('${await exportFile({ db, exportId })}')`);
    expect(rows).toEqual([{ n: 3 }]);
    expect(await runExportJob({ db, exportId, workerId })).toBe("lost"); // a repeated job leaves a finished export alone
    expect((await getExport({ db, exportId })).status).toBe("done");
  });
});
