// npm run bench:export [-- --tasks 100000]
// A 100k-task dataset version exported as JSONL, Parquet and a Hugging Face folder: time and peak
// memory of each. Prints figures; asserts nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { createDataset, publishVersion } from "../server/datasets/datasets";
import { exportDataset, type ExportFormat } from "../server/datasets/export-dataset";
import { importTasks } from "../server/tasks/import-tasks";
import { writeSyntheticFile } from "./synthetic-tasks";

const { values } = parseArgs({ options: { tasks: { type: "string", default: "100000" } } });
const N = Number(values.tasks);
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-export-"));
  fs.chmodSync(dir, 0o755);
  await writeSyntheticFile(path.join(dir, "tasks.jsonl"), N);
  const embedded = await startEmbeddedPostgres(dir);
  const db = await openDb(embedded.url, { embedded });
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "airline" }], skipDuplicates: true });
  await importTasks({ db, source: fs.createReadStream(path.join(dir, "tasks.jsonl")), batchName: "bench" });
  await db.pool.query(`update tasks set review_status = 'approved'`);
  const ds = await createDataset({ userId: db.defaultUserId, db, name: "bench" });
  await db.pool.query(`insert into dataset_tasks (dataset_id, task_id, added_by_id) select $1, id, $2 from tasks`, [
    ds.id,
    db.defaultUserId,
  ]);
  const t0 = performance.now();
  const v = await publishVersion({ userId: db.defaultUserId, db, dataset: "bench" });
  console.log(
    `bench:export — dataset of ${v.tasks.toLocaleString()} tasks; publishing the version took ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const results: Record<string, { seconds: number; mb: number; peakRssMb: number }> = {};
  for (const format of ["jsonl", "parquet", "hf"] as ExportFormat[]) {
    global.gc?.();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t = performance.now();
    const out = path.join(dir, `out-${format}`);
    const r = await exportDataset({ db, ref: "bench@1", format, out });
    const seconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    results[format] = {
      seconds: +seconds.toFixed(1),
      mb: +(r.bytes / 1048576).toFixed(1),
      peakRssMb: Math.round(peak / 1048576),
    };
    console.log(
      `  ${format.padEnd(8)} ${r.tasks.toLocaleString()} tasks, ${mb(r.bytes)} in ${seconds.toFixed(1)} s; peak RSS ${mb(peak)}`,
    );
  }
  console.log(JSON.stringify({ tasks: N, results }));
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
