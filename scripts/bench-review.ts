// npm run bench:review [-- --tasks 100000]
// With 100k tasks loaded (some reviewed, labelled, commented, edited): facet counts plus the first
// list page on the server, as the list view asks for them together; then the task page in Chromium,
// time until the verifier editor is interactive. Prints figures; asserts nothing.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { openDb } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { getFacetCounts } from "../server/tasks/facet-counts";
import { importTasks } from "../server/tasks/import-tasks";
import { listTasks } from "../server/tasks/list-tasks";
import type { TaskQuery } from "../lib/task-query";
import { buildIfStale } from "./build-if-stale";
import { percentile, writeSyntheticFile } from "./synthetic-tasks";
import { freePort } from "../server/db/embedded";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "100000" },
    samples: { type: "string", default: "100" },
    pages: { type: "string", default: "10" },
  },
});
const N = Number(values.tasks);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-review-"));
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, "tasks.jsonl");
  await writeSyntheticFile(file, N);
  const embedded = await startEmbeddedPostgres(dir);
  const db = await openDb(embedded.url, { embedded });
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "airline" }], skipDuplicates: true });
  const t0 = performance.now();
  await importTasks({ db, source: fs.createReadStream(file), fileName: "bench.jsonl", batchName: "bench" });
  console.log(
    `bench:review — ${N.toLocaleString()} tasks imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // Make the facets realistic: reviews, verdicts, labels, comments and human edits on a share of tasks.
  await db.pool.query(
    `update tasks set review_status = (array['approved','rejected','needs_edit'])[1 + id % 3]::"ReviewStatus" where id % 7 = 0`,
  );
  await db.pool.query(`update tasks set verdict_status = case when id % 3 = 0 then 'accepted' else 'rejected' end::"VerdictStatus",
                              verdict_reason = case when id % 3 = 0 then null else (array['verifier_invalid','solution_not_passing','failure_case_passing'])[1 + id % 3] end::"RejectReason" where id % 2 = 0`);
  await db.pool.query(`update tasks set comment_count = 1 where id % 50 = 0`);
  await db.pool.query(`update tasks set edited_by_human = true where id % 40 = 0`);
  await db.pool.query(
    `insert into task_labels (task_id, label_id, user_id) select t.id, l.id, 1 from tasks t join labels l on l.id = 1 + t.id % 7 where t.id % 11 = 0`,
  );
  await db.pool.query("analyze");

  const scenarios: Array<[string, TaskQuery]> = [
    ["no filter", {}],
    ["environment + review", { environment: "airline", review: "approved" }],
    ["verdict + reason + label", { verdict: "rejected", reason: "solution_not_passing", label: "false positive" }],
    ["search 'skateboard'", { q: "skateboard" }],
  ];
  console.log("\nfacet counts (with the total) + first page, on the server (ms)   p50     p95");
  const results: Record<string, { p50: number; p95: number }> = {};
  for (const [label, filter] of scenarios) {
    const times: number[] = [];
    for (let i = 0; i < Number(values.samples); i++) {
      const t = performance.now();
      await Promise.all([getFacetCounts({ db, filter }), listTasks({ db, input: { ...filter, limit: 200 } })]);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results[label] = { p50: +percentile(times, 50).toFixed(1), p95: +percentile(times, 95).toFixed(1) };
    console.log(
      `  ${label.padEnd(60)}${results[label].p50.toFixed(1).padStart(6)}${results[label].p95.toFixed(1).padStart(8)}`,
    );
  }

  // The task page in Chromium: from navigation to a verifier editor that has its text and takes input.
  buildIfStale();
  const port = await freePort();
  const server = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        CAT_WORKER: "0",
        CAT_SEED_DEMO: "0",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: "ignore",
    },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${base}/api/health`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
  });
  const page = await browser.newPage();
  const ids = (
    await db.pool.query<{ id: number }>(`select id from tasks order by random() limit ${Number(values.pages)}`)
  ).rows.map((r) => r.id);
  const tti: number[] = [];
  for (const [i, id] of ids.entries()) {
    const t = performance.now();
    await page.goto(`${base}/tasks/${id}`);
    const verifier = page.getByRole("region", { name: "Verifier" });
    await verifier.locator(".view-lines").filter({ hasText: "def verify" }).waitFor();
    await verifier.locator(".monaco-editor textarea").focus();
    const ms = performance.now() - t;
    tti.push(ms);
    console.log(`  task page ${i === 0 ? "(cold) " : ""}#${id}: editor interactive after ${ms.toFixed(0)} ms`);
  }
  await browser.close();
  server.kill("SIGTERM");
  const warm = tti.slice(1).sort((a, b) => a - b);
  console.log(
    `\ntask page → editor interactive: cold ${tti[0]!.toFixed(0)} ms; warm p50 ${percentile(warm, 50).toFixed(0)} ms, p95 ${percentile(warm, 95).toFixed(0)} ms`,
  );
  console.log(
    JSON.stringify({
      tasks: N,
      facetsAndFirstPage: results,
      editorInteractiveMs: {
        cold: Math.round(tti[0]!),
        warmP50: Math.round(percentile(warm, 50)),
        warmP95: Math.round(percentile(warm, 95)),
      },
    }),
  );
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
