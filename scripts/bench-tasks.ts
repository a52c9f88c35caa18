// npm run bench:tasks [-- --tasks 100000]
// Generates synthetic CaT tasks, imports them through the real import service into a fresh embedded
// PostgreSQL (or DATABASE_URL), then measures list-page latency and a full export. Prints figures;
// asserts nothing (targets are in docs/benchmarks.md).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { exportTasks } from "../server/tasks/export-tasks";
import { importTasks } from "../server/tasks/import-tasks";
import { countTasks, listTasks } from "../server/tasks/list-tasks";
import { percentile, writeSyntheticFile } from "./synthetic-tasks";

const { values } = parseArgs({
  options: { tasks: { type: "string", default: "100000" }, samples: { type: "string", default: "200" } },
});
const N = Number(values.tasks);
const SAMPLES = Number(values.samples);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-"));
fs.chmodSync(dir, 0o755);

// Peak resident memory, sampled: the import must stay flat however big the file is.
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

async function measure(label: string, fn: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { label, p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main() {
  console.log(
    `bench:tasks — ${N.toLocaleString()} synthetic tasks, ${os.cpus().length} cores, Node ${process.version}`,
  );
  const file = path.join(dir, "tasks.jsonl");
  await writeSyntheticFile(file, N);
  const fileBytes = fs.statSync(file).size;
  console.log(`generated ${file} (${mb(fileBytes)})`);

  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres(dir);
  const db = await openDb(process.env.DATABASE_URL ?? embedded!.url, { embedded });
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "airline" }], skipDuplicates: true });

  peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  let t = performance.now();
  const summary = await importTasks({
    db,
    source: fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
    fileName: "bench.jsonl",
    batchName: `bench-${Date.now()}`,
  });
  const importSeconds = (performance.now() - t) / 1000;
  const importPeak = peakRss;
  console.log(
    `import: ${summary.created.toLocaleString()} tasks in ${importSeconds.toFixed(1)} s (${Math.round(summary.created / importSeconds).toLocaleString()} tasks/s, ${mb(fileBytes / importSeconds)}/s); peak RSS ${mb(importPeak)} (+${mb(importPeak - rssBefore)} over the idle process)`,
  );
  await db.prisma.$executeRawUnsafe("analyze");

  // A cursor deep into the list (page ~500 of 100), taken by walking from the start once.
  let deepCursor: string | null = null;
  for (let i = 0, c: string | null = null; i < 50; i++) {
    const page = await listTasks({ db, input: { limit: 500, cursor: c } });
    c = page.nextCursor;
    deepCursor = c;
  }
  const cases = [
    await measure("first page, no filter", () => listTasks({ db, input: { limit: 50 } })),
    await measure("first page, env + verdict + review", () =>
      listTasks({ db, input: { environment: "airline", verdict: "pending", review: "unreviewed", limit: 50 } }),
    ),
    await measure("first page, batch, sort by id asc", () =>
      listTasks({ db, input: { batch: summary.batch.name, sort: "externalId", dir: "asc", limit: 50 } }),
    ),
    await measure("search 'skateboard'", () => listTasks({ db, input: { q: "skateboard", limit: 50 } })),
    await measure("search common 'patient'", () => listTasks({ db, input: { q: "patient", limit: 50 } })),
    await measure("search rare 'User 98765 '", (i) =>
      listTasks({ db, input: { q: `User ${(98765 + i) % N} `, limit: 50 } }),
    ),
    await measure("page 500 by keyset cursor", () => listTasks({ db, input: { limit: 50, cursor: deepCursor } })),
    await measure("count, no filter", () => countTasks({ db, filter: {} })),
    await measure("count, env filter", () => countTasks({ db, filter: { environment: "airline" } })),
  ];
  console.log("\nlist latency on the server (ms)      p50     p95");
  for (const c of cases)
    console.log(`  ${c.label.padEnd(36)}${c.p50.toFixed(1).padStart(6)}${c.p95.toFixed(1).padStart(8)}`);

  peakRss = process.memoryUsage().rss;
  t = performance.now();
  let exported = 0;
  let bytes = 0;
  for await (const line of exportTasks({ db })) {
    exported += 1;
    bytes += line.length;
  }
  const exportSeconds = (performance.now() - t) / 1000;
  console.log(
    `\nexport: ${exported.toLocaleString()} tasks (${mb(bytes)}) in ${exportSeconds.toFixed(1)} s; peak RSS ${mb(peakRss)}`,
  );

  const result = {
    tasks: N,
    fileMB: +(fileBytes / 1048576).toFixed(1),
    importSeconds: +importSeconds.toFixed(1),
    importPeakRssMB: +(importPeak / 1048576).toFixed(0),
    list: Object.fromEntries(cases.map((c) => [c.label, { p50: +c.p50.toFixed(1), p95: +c.p95.toFixed(1) }])),
    exportSeconds: +exportSeconds.toFixed(1),
  };
  console.log(JSON.stringify(result));
  clearInterval(sampler);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
