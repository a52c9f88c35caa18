// npm run bench:progress [-- --tasks 100000 --samples 100 --seconds 20]
//
// Progress at scale. Imports N synthetic tasks into a fresh embedded PostgreSQL, queues one rerun of
// all of them (N runs queued), and measures on the server, idle and then while a worker process
// writes verdicts as fast as it can: the rerun's progress (getRerunProgress, what the progress strip
// and the CLI poll), GET /api/v1/reruns/{id} (the REST route, in process), and the task list's first
// page and facet counts. For reference it also times the queries progress made before counters (the
// rerun's runs grouped, its case results joined), on what was written so far. Then it cancels
// the rerun and measures progress once more (N cancelled runs). Prints figures; asserts nothing.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDb, type Db } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { getRerunProgress } from "../server/filter/rerun-progress";
import { cancelRerun, requestRerun } from "../server/filter/request-rerun";
import { registerPack } from "../server/packs/register-pack";
import { handleApiRequest } from "../server/rest/routes";
import { DEMO_PACK_DIR } from "../server/seed";
import { getFacetCounts } from "../server/tasks/facet-counts";
import { importTasks } from "../server/tasks/import-tasks";
import { listTasks } from "../server/tasks/list-tasks";
import { tokenFor } from "../server/testing/fixtures";
import { percentile, writeSyntheticFile } from "./synthetic-tasks";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "100000" },
    samples: { type: "string", default: "100" },
    seconds: { type: "string", default: "20" },
  },
});
const N = Number(values.tasks);
const SAMPLES = Number(values.samples);

type Probe = { label: string; run: () => Promise<unknown> };

async function measure(probes: Probe[], samples: number) {
  const times = new Map<string, number[]>(probes.map((p) => [p.label, []]));
  for (let i = 0; i < samples; i++) {
    for (const p of probes) {
      const t = performance.now();
      await p.run();
      times.get(p.label)!.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 20)); // as a poller would: not back to back
  }
  return probes.map((p) => {
    const s = times.get(p.label)!.sort((a, b) => a - b);
    return { label: p.label, p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1]! };
  });
}

function print(title: string, rows: Array<{ label: string; p50: number; p95: number; max: number }>) {
  console.log(`\n${title}\n  ${"".padEnd(44)}   p50 ms   p95 ms   max ms`);
  for (const r of rows)
    console.log(
      `  ${r.label.padEnd(44)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}`,
    );
}

/** What getRerunProgress asked before counters (commit d52ff27): the rerun's runs grouped twice, its case results joined. */
function progressTheOldWay(db: Db, rerunId: number) {
  return Promise.all([
    db.pool.query(`select status, count(*) from filter_runs where rerun_id = $1 group by status`, [rerunId]),
    db.pool.query(
      `select verdict_status, verdict_reason, count(*) from filter_runs where rerun_id = $1 and status = 'done' group by 1, 2`,
      [rerunId],
    ),
    db.pool.query(
      `select c.outcome::text as outcome, count(*)::int as n from case_results c join filter_runs f on f.id = c.run_id where f.rerun_id = $1 group by c.outcome`,
      [rerunId],
    ),
    db.pool.query(
      `select count(*) from filter_runs where rerun_id = $1 and finished_at >= now() - interval '30 seconds'`,
      [rerunId],
    ),
    db.pool.query(`select max(finished_at) from filter_runs where rerun_id = $1`, [rerunId]),
  ]);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-progress-"));
  fs.chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres(path.join(dir, "pg"));
  const db = await openDb(embedded.url, { embedded });
  const results: Record<string, unknown> = { tasks: N };
  let worker: ReturnType<typeof spawn> | undefined;
  try {
    // both environments of the synthetic tasks get a pack, so that every run can be carried out
    await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
    await registerPack({ db, dir: DEMO_PACK_DIR, name: "airline" });
    const file = path.join(dir, "tasks.jsonl");
    await writeSyntheticFile(file, N);
    let t = performance.now();
    await importTasks({
      db,
      source: fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
      fileName: "progress.jsonl",
      batchName: "progress",
    });
    console.log(
      `bench:progress — ${N.toLocaleString()} tasks imported in ${((performance.now() - t) / 1000).toFixed(1)} s; ${os.availableParallelism()} cores`,
    );
    await db.pool.query("analyze");

    t = performance.now();
    const { rerunId, taskCount } = await requestRerun({ db, filter: {}, scope: "bench:progress" });
    console.log(
      `rerun ${rerunId}: ${taskCount.toLocaleString()} runs queued in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const auth = (await tokenFor(db, "viewer")).headers;
    const probes: Probe[] = [
      { label: "getRerunProgress", run: () => getRerunProgress({ db, rerunId }) },
      {
        label: `GET /api/v1/reruns/${rerunId}`,
        run: async () => {
          const res = await handleApiRequest(
            new Request(`http://127.0.0.1/api/v1/reruns/${rerunId}`, { headers: auth }),
            db,
          );
          if (res.status !== 200) throw new Error(`GET rerun: ${res.status} ${await res.text()}`);
          await res.json();
        },
      },
      { label: "task list, first page of 50", run: () => listTasks({ db, input: { limit: 50 } }) },
      { label: "task list, facet counts", run: () => getFacetCounts({ db, filter: {} }) },
      { label: "(before counters: the same progress)", run: () => progressTheOldWay(db, rerunId) },
    ];
    const idle = await measure(probes, SAMPLES);
    print(`${taskCount.toLocaleString()} runs queued, no worker`, idle);
    results.idle = idle;

    // A worker process writing as fast as it can (the sandbox on every core), while we poll.
    worker = spawn("npm", ["run", "-s", "worker"], {
      env: { ...process.env, DATABASE_URL: db.url, CAT_DATA_DIR: path.join(dir, "worker"), NODE_OPTIONS: "" },
      stdio: "ignore",
      detached: true,
    });
    const doneAt = async () => (await getRerunProgress({ db, rerunId })).runs.done;
    while ((await doneAt()) < 50) await new Promise((r) => setTimeout(r, 200));
    const before = { done: await doneAt(), at: performance.now() };
    const samplesWhile = Math.max(10, Math.round((Number(values.seconds) * 1000) / 120));
    const busy = await measure(probes, samplesWhile);
    const after = { done: await doneAt(), at: performance.now() };
    const rate = (after.done - before.done) / ((after.at - before.at) / 1000);
    const written = (await db.pool.query<{ n: number }>(`select count(*)::int as n from case_results`)).rows[0]!.n;
    print(
      `while a worker writes (${rate.toFixed(1)} runs/s; ${after.done.toLocaleString()} runs and ${written.toLocaleString()} case results written by the end)`,
      busy,
    );
    results.whileWriting = { runsPerSecond: +rate.toFixed(1), caseResults: written, probes: busy };

    process.kill(-worker.pid!, "SIGTERM");
    await new Promise((r) => worker!.once("exit", r));
    worker = undefined;
    const { cancelled } = await cancelRerun({ db, rerunId });
    const cancelledProbe = await measure([...probes.slice(0, 2), probes[4]!], SAMPLES);
    print(`after cancelling (${cancelled.toLocaleString()} runs cancelled)`, cancelledProbe);
    results.cancelled = cancelledProbe;
    console.log(
      JSON.stringify(results, (_k, v) => (typeof v === "number" && !Number.isInteger(v) ? +v.toFixed(1) : v)),
    );
  } finally {
    if (worker) process.kill(-worker.pid!, "SIGKILL");
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
