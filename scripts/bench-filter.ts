// npm run bench:filter [-- --tasks 200]
// The same demo tasks on the demo pack, run (a) by scripts/bare_filter.py — one CPython process, no
// sandbox, load_state() per case: what a researcher would otherwise write — and (b) by the sandboxed
// engine in its default configuration; then (c) end to end through the queue, a worker and the
// database. Prints throughputs, their ratio, per-case overhead and worker memory. Asserts nothing.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { openDb } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { getRerunProgress } from "../server/filter/rerun-progress";
import { requestRerun } from "../server/filter/request-rerun";
import { startWorker } from "../server/jobs/worker";
import { createSandbox, type TaskVerdict } from "../server/sandbox";
import { DEMO_PACK_DIR, DEMO_TASKS_FILE } from "../server/seed";
import { importTasks } from "../server/tasks/import-tasks";
import { hashPack, readPackDir, registerPack } from "../server/packs/register-pack";

const { values } = parseArgs({ options: { tasks: { type: "string", default: "200" }, "skip-e2e": { type: "boolean", default: false } } });
const lines = fs.readFileSync(DEMO_TASKS_FILE, "utf8").trim().split("\n").slice(0, Number(values.tasks));
const tasks = lines.map((l) => JSON.parse(l) as { id: string; verifier: string; solution: string; failure_cases: string[] });
const caseCount = tasks.reduce((n, t) => n + 1 + t.failure_cases.length, 0);

/** Proportional set size of this process's descendants (the sandbox's bwrap/python processes). */
function descendantsPssMb(): number {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let kb = 0;
  for (const pid of parent.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      const m = /^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      /* gone or not readable */
    }
  }
  return kb / 1024;
}

async function main() {
  console.log(`bench:filter — ${tasks.length} demo tasks, ${caseCount} cases, retail pack; ${os.availableParallelism()} cores`);

  // (a) the bare loop
  const bare = spawnSync("/usr/bin/python3", ["scripts/bare_filter.py", DEMO_PACK_DIR, DEMO_TASKS_FILE, "--limit", String(tasks.length)], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (bare.status !== 0) throw new Error(`bare loop failed: ${bare.stderr}`);
  const bareOut = bare.stdout.trim().split("\n");
  const bareSummary = JSON.parse(bareOut[bareOut.length - 1]!) as { cases: number; elapsed_s: number };
  const bareRate = bareSummary.cases / bareSummary.elapsed_s;
  const bareVerdicts = new Map(bareOut.slice(0, -1).map((l) => JSON.parse(l) as { id: string; status: string; reason: string | null }).map((v) => [v.id, v]));
  console.log(`(a) bare CPython loop:      ${bareSummary.cases} cases in ${bareSummary.elapsed_s.toFixed(1)} s = ${bareRate.toFixed(1)} cases/s (${(1000 / bareRate).toFixed(1)} ms per case)`);

  // (b) the sandboxed engine, default configuration
  const sandbox = createSandbox();
  const pack = { dir: path.resolve(DEMO_PACK_DIR), hash: hashPack(readPackDir(DEMO_PACK_DIR)) };
  await sandbox.runTask(pack, { verifier: tasks[0]!.verifier, solution: tasks[0]!.solution, failureCases: tasks[0]!.failure_cases }); // warm the zygotes
  let peakPss = descendantsPssMb();
  const sampler = setInterval(() => (peakPss = Math.max(peakPss, descendantsPssMb())), 500);
  const t0 = performance.now();
  const verdicts: Array<TaskVerdict & { id: string }> = await Promise.all(
    tasks.map(async (t) => ({ id: t.id, ...(await sandbox.runTask(pack, { verifier: t.verifier, solution: t.solution, failureCases: t.failure_cases })) })),
  );
  const engineSeconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const engineRate = caseCount / engineSeconds;
  const caseMs = verdicts.flatMap((v) => v.cases.map((c) => c.durationMs));
  const meanCaseMs = caseMs.reduce((a, b) => a + b, 0) / caseMs.length;
  const disagreements = verdicts.filter((v) => {
    const b = bareVerdicts.get(v.id);
    return b && (b.status !== v.status || (b.reason ?? null) !== v.reason);
  });
  await sandbox.close();
  console.log(`(b) sandboxed engine:       ${caseCount} cases in ${engineSeconds.toFixed(1)} s = ${engineRate.toFixed(1)} cases/s (${((1000 * os.availableParallelism()) / engineRate).toFixed(1)} core-ms per case; mean case wall time ${meanCaseMs.toFixed(1)} ms incl. its verify)`);
  console.log(`    ratio engine / bare:    ${(engineRate / bareRate).toFixed(2)}×   (target ≥ 3×)`);
  console.log(`    sandbox processes:      peak PSS ${peakPss.toFixed(0)} MB; Node RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
  console.log(`    verdicts that differ from the bare loop: ${disagreements.length}${disagreements.length ? ` (${disagreements.map((d) => d.id).join(", ")})` : ""}`);

  let e2e: { seconds: number; rate: number } | undefined;
  if (!values["skip-e2e"]) {
    // (c) end to end: queue, worker, database, on a fresh embedded PostgreSQL
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-filter-"));
    fs.chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres(dir);
    const db = await openDb(embedded.url, { embedded });
    await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
    await importTasks({ db, source: Readable.from([lines.join("\n")]), batchName: "bench" });
    const worker = await startWorker({ db, log: () => undefined });
    const t1 = performance.now();
    const { rerunId } = await requestRerun({ db, filter: { batch: "bench" } });
    for (;;) {
      const p = await getRerunProgress({ db, rerunId });
      if (p.finished) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t1) / 1000;
    e2e = { seconds, rate: caseCount / seconds };
    console.log(`(c) queue + worker + DB:    ${caseCount} cases in ${seconds.toFixed(1)} s = ${e2e.rate.toFixed(1)} cases/s (${(tasks.length / seconds).toFixed(1)} tasks/s)`);
    await worker.stop();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log(
    JSON.stringify({
      tasks: tasks.length,
      cases: caseCount,
      bareCasesPerSecond: +bareRate.toFixed(1),
      engineCasesPerSecond: +engineRate.toFixed(1),
      ratio: +(engineRate / bareRate).toFixed(2),
      engineSeconds: +engineSeconds.toFixed(2),
      meanCaseMs: +meanCaseMs.toFixed(1),
      sandboxPeakPssMb: Math.round(peakPss),
      endToEndCasesPerSecond: e2e ? +e2e.rate.toFixed(1) : null,
      verdictDisagreements: disagreements.length,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
