// npm run bench:million [-- --sizes 100000,1000000 --samples 40]
// A million generated tasks: for each size, a fresh embedded PostgreSQL; a seeded synthetic file
// (~1 KB of code per task) imported through the real import service (time, peak RSS); a share of
// the tasks reviewed, labelled, edited and given verdicts; then facets + first page p50/p95 for each
// kind of query (no filter, filtered, rare term, common term, deep page by cursor), the list's p95
// while another import runs, a filter-run enqueue of every task, and a streamed export.
// Prints figures, asserts nothing; the last line is one JSON object for the largest size.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { TaskQuery } from "../lib/task-query";
import { openDb, type Db } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { requestRerun } from "../server/filter/request-rerun";
import { encodeCursor } from "../server/tasks/cursor";
import { exportTasks } from "../server/tasks/export-tasks";
import { getFacetCounts } from "../server/tasks/facet-counts";
import { importTasks } from "../server/tasks/import-tasks";
import { listTasks } from "../server/tasks/list-tasks";
import { percentile } from "./synthetic-tasks";

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "100000,1000000" }, samples: { type: "string", default: "40" } },
  strict: false,
});
const SIZES = String(values.sizes).split(",").map(Number);
const SAMPLES = Number(values.samples);
export const RARE = "zanzibar-quartz-0777";
export const COMMON = "refund";

// Deterministic pseudo-random numbers (mulberry32), so every run generates the same tasks.
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const WORDS =
  "return exchange cancel order skateboard lamp paypal gift card address tracking zip email user item variant blue red small large kettle bike helmet jacket".split(
    " ",
  );

/** One synthetic task: about 1 KB of code; the common word in a third of them, the rare token in one. */
function task(i: number, rand: () => number, prefix: string) {
  const w = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const order = `#W${1_000_000 + i}`;
  const verb = i % 3 === 0 ? COMMON : w();
  const items = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => `'${Math.floor(rand() * 1e10)}'`);
  const checks = Array.from(
    { length: 6 },
    (_, k) => `    assert o['items'][${k % 3}]['${w()}'] != '${w()}-${Math.floor(rand() * 1000)}'`,
  ).join("\n");
  return {
    id: `${prefix}-${i}`,
    environment: i % 5 === 0 ? "airline" : "retail",
    instruction: `Your name is User ${i} and you want to ${verb} the ${w()} ${w()} from order ${order}${i === 777 ? ` (${RARE})` : ""}. You are patient and polite, and you confirm every step.`,
    verifier: `def verify(state, answer):\n    o = state['orders']['${order}']\n${checks}\n    return o['status'] == '${w()}' and sorted(o['item_ids']) == sorted([${items.join(", ")}])\n`,
    solution: `uid = find_user_id_by_email(email='user${i}@example.com')\ndetails = get_order_details(order_id='${order}')\nreturn_delivered_order_items(order_id='${order}', item_ids=[${items.join(", ")}], payment_method_id='paypal_${i}')\nrespond('done')\n`,
    failure_cases: [
      `find_user_id_by_email(email='user${i}@example.com')`,
      `cancel_pending_order(order_id='${order}', reason='no longer needed')`,
      "respond('done')",
    ],
    metadata: { generator: "bench-million", run: `run-${i % 10}` },
  };
}

export async function writeFile(file: string, n: number, seed: number, prefix: string) {
  const rand = rng(seed);
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  for (let i = 0; i < n; i++)
    if (!out.write(JSON.stringify(task(i, rand, prefix)) + "\n"))
      await new Promise<void>((r) => out.once("drain", () => r()));
  await new Promise<void>((r) => out.end(() => r()));
}

async function timed(fn: () => Promise<unknown>) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function p50p95(fn: () => Promise<unknown>, samples = SAMPLES) {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  return { p50: +percentile(times, 50).toFixed(1), p95: +percentile(times, 95).toFixed(1) };
}

/** Reviews, verdicts, labels, comments and edits on a share of the tasks, as months of curation leave them. */
export async function curate(db: Db) {
  await db.pool.query(`update tasks set verdict_status = case when id % 3 = 0 then 'accepted' else 'rejected' end::"VerdictStatus",
    verdict_reason = case when id % 3 = 0 then null else (array['verifier_invalid','solution_not_passing','failure_case_passing'])[1 + id % 3] end::"RejectReason" where id % 2 = 0`);
  await db.pool.query(
    `update tasks set review_status = (array['approved','rejected','needs_edit'])[1 + id % 3]::"ReviewStatus" where id % 7 = 0`,
  );
  await db.pool.query(`update tasks set review_stale = true where id % 97 = 0`);
  await db.pool.query(`update tasks set comment_count = 1 where id % 50 = 0`);
  await db.pool.query(`update tasks set edited_by_human = true where id % 40 = 0`);
  await db.pool.query(
    `insert into task_labels (task_id, label_id, user_id) select t.id, l.id, 1 from tasks t join labels l on l.id = 1 + t.id % 7 where t.id % 11 = 0`,
  );
  await db.pool.query("vacuum analyze");
}

async function runSize(n: number) {
  console.log(`\n— ${n.toLocaleString()} tasks —`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-million-"));
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, "tasks.jsonl");
  await writeFile(file, n, 42, "m");
  console.log(`generated ${(fs.statSync(file).size / 1048576).toFixed(0)} MB`);
  const embedded = await startEmbeddedPostgres(path.join(dir, "db"));
  const db = await openDb(embedded.url, { embedded, maxConnections: 12 });
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "airline" }], skipDuplicates: true });

  // Import, with peak RSS sampled every 50 ms.
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const importMs = await timed(() =>
    importTasks({
      db,
      source: fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
      fileName: "tasks.jsonl",
      batchName: "million",
    }),
  );
  clearInterval(sampler);
  const importSeconds = +(importMs / 1000).toFixed(1);
  const importPeakRssMb = Math.round(peak / 1048576);
  console.log(
    `import: ${importSeconds} s (${Math.round(n / (importMs / 1000)).toLocaleString()} tasks/s), peak RSS ${importPeakRssMb} MB`,
  );
  await curate(db);

  // Facets + first page, as the list asks for them together.
  const page = (filter: TaskQuery, cursor?: string) =>
    Promise.all([getFacetCounts({ db, filter }), listTasks({ db, input: { ...filter, cursor, limit: 50 } })]);
  const [deep] = (
    await db.pool.query<{ v: string; id: number }>(
      `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as v, id from tasks order by created_at desc, id desc offset ${Math.min(n - 1, 5000 * 50)} limit 1`,
    )
  ).rows;
  const queries: Record<string, () => Promise<unknown>> = {
    "no filter": () => page({}),
    filtered: () => page({ environment: "airline", review: "approved", verdict: "rejected" }),
    "rare term": () => page({ q: RARE }),
    "common term": () => page({ q: COMMON }),
    "deep page": () => listTasks({ db, input: { cursor: encodeCursor(deep!.v, deep!.id), limit: 50 } }),
  };
  const p95Ms: Record<string, number> = {};
  const p50Ms: Record<string, number> = {};
  for (const [name, fn] of Object.entries(queries)) {
    const r = await p50p95(fn);
    p95Ms[name] = r.p95;
    p50Ms[name] = r.p50;
    console.log(`  ${name.padEnd(12)} p50 ${String(r.p50).padStart(7)} ms   p95 ${String(r.p95).padStart(7)} ms`);
  }
  const counts = await getFacetCounts({ db, filter: { q: COMMON } });
  console.log(`  (common term: ${counts.approximate.total ? "about " : ""}${counts.total.toLocaleString()} matches)`);

  // The list while another import runs (a tenth of the size, new tasks).
  const side = path.join(dir, "more.jsonl");
  await writeFile(side, Math.max(10_000, Math.floor(n / 10)), 43, "more");
  let importing = true;
  const background = importTasks({
    db,
    source: fs.createReadStream(side),
    fileName: "more.jsonl",
    batchName: "during",
  }).finally(() => (importing = false));
  const during: number[] = [];
  while (importing) during.push(await timed(() => page({})));
  await background;
  during.sort((a, b) => a - b);
  const duringImportP95 = +percentile(during, 95).toFixed(1);
  console.log(
    `  list (facets + first page) during an import: p50 ${percentile(during, 50).toFixed(1)} ms, p95 ${duringImportP95} ms over ${during.length} samples`,
  );

  // Enqueue a filter run over every task (no worker runs them).
  let enqueued = 0;
  const enqueueMs = await timed(
    async () => (enqueued = (await requestRerun({ db, filter: {}, scope: "bench: everything" })).taskCount),
  );
  const enqueueAllSeconds = +(enqueueMs / 1000).toFixed(1);
  console.log(`enqueue a filter run of ${enqueued.toLocaleString()} tasks: ${enqueueAllSeconds} s`);

  // Streamed export of every task.
  let bytes = 0;
  const exportMs = await timed(async () => {
    for await (const line of exportTasks({ db })) bytes += line.length;
  });
  const exportSeconds = +(exportMs / 1000).toFixed(1);
  console.log(`export: ${(bytes / 1048576).toFixed(0)} MB in ${exportSeconds} s`);

  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    tasks: n,
    importSeconds,
    importPeakRssMb,
    exportSeconds,
    enqueueAllSeconds,
    p95Ms,
    p50Ms,
    listDuringImportP95Ms: duringImportP95,
  };
}

async function main() {
  console.log(`bench:million — ${os.cpus().length} cores, Node ${process.version}, sizes ${SIZES.join(", ")}`);
  const results = [];
  for (const n of SIZES) results.push(await runSize(n));
  console.log(
    "\nsize        import s  peak MB  export s  enqueue s  " +
      Object.keys(results[0]!.p95Ms)
        .map((k) => `p95 ${k}`)
        .join("  "),
  );
  for (const r of results)
    console.log(
      `${String(r.tasks).padEnd(12)}${String(r.importSeconds).padEnd(10)}${String(r.importPeakRssMb).padEnd(9)}${String(r.exportSeconds).padEnd(10)}${String(r.enqueueAllSeconds).padEnd(11)}${Object.values(r.p95Ms).join("  ")}`,
    );
  const last = results[results.length - 1]!;
  console.log(
    JSON.stringify({
      tasks: last.tasks,
      importSeconds: last.importSeconds,
      importPeakRssMb: last.importPeakRssMb,
      exportSeconds: last.exportSeconds,
      enqueueAllSeconds: last.enqueueAllSeconds,
      p95Ms: last.p95Ms,
      p50Ms: last.p50Ms,
      listDuringImportP95Ms: last.listDuringImportP95Ms,
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
