// Throughput of the sandbox on a pack + tasks JSONL (CaT interchange format).
//   npx tsx server/sandbox/bench.ts --pack packs/retail --tasks tasks.jsonl [--concurrency N] [--limit N] [--json]
// Prints cases/second (every solution and failure case counts as one case) and the verdict mix.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createSandbox, type TaskCode } from "./index";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const packDir = arg("pack");
  const tasksFile = arg("tasks");
  if (!packDir || !tasksFile) {
    console.error(
      "usage: bench.ts --pack DIR --tasks FILE.jsonl [--concurrency N] [--limit N] [--timeout MS] [--json]",
    );
    process.exit(2);
  }
  const limit = Number(arg("limit") ?? Infinity);
  const concurrency = arg("concurrency") ? Number(arg("concurrency")) : undefined;
  const timeoutMs = Number(arg("timeout") ?? 10_000);
  const tasks: TaskCode[] = readFileSync(tasksFile, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .slice(0, limit)
    .map((l) => {
      const t = JSON.parse(l) as {
        verifier: string;
        solution: string;
        failure_cases?: string[];
        failureCases?: string[];
      };
      return { verifier: t.verifier, solution: t.solution, failureCases: t.failure_cases ?? t.failureCases ?? [] };
    });
  const pack = { dir: path.resolve(packDir), hash: createHash("sha256").update(path.resolve(packDir)).digest("hex") };
  const sandbox = createSandbox({ concurrency });

  // Warm-up: zygote start-up (env.py import + load_state) is paid once per worker, not per case.
  const warmStart = performance.now();
  await Promise.all(
    Array.from({ length: concurrency ?? (await import("node:os")).availableParallelism() }, () =>
      sandbox.runTask(pack, { verifier: "def verify(s, a):\n    return True\n", solution: "", failureCases: [] }),
    ),
  );
  const warmMs = performance.now() - warmStart;

  const reasons = new Map<string, number>();
  const outcomes = new Map<string, number>();
  let cases = 0;
  let caseMs = 0;
  const start = performance.now();
  // Keep a window of tasks in flight so every zygote always has a queued case.
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      const v = await sandbox.runTask(pack, task, { timeoutMs });
      const r = v.reason ?? "accepted";
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
      for (const c of v.cases) {
        cases++;
        caseMs += c.durationMs;
        outcomes.set(c.outcome, (outcomes.get(c.outcome) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seconds = (performance.now() - start) / 1000;
  await sandbox.close();

  const summary = {
    engine: "sandbox",
    tasks: tasks.length,
    cases,
    seconds: Number(seconds.toFixed(3)),
    casesPerSecond: Number((cases / seconds).toFixed(1)),
    meanCaseMs: Number((caseMs / Math.max(cases, 1)).toFixed(2)),
    warmupMs: Math.round(warmMs),
    verdicts: Object.fromEntries(reasons),
    outcomes: Object.fromEntries(outcomes),
  };
  if (process.argv.includes("--json")) console.log(JSON.stringify(summary));
  else {
    console.log(
      `sandbox: ${cases} cases (${tasks.length} tasks) in ${summary.seconds}s = ${summary.casesPerSecond} cases/s ` +
        `(mean ${summary.meanCaseMs} ms per case in a zygote; start-up ${summary.warmupMs} ms)`,
    );
    console.log(`verdicts: ${JSON.stringify(summary.verdicts)}  outcomes: ${JSON.stringify(summary.outcomes)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
