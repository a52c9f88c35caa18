// `npm run bench:probe`: what strength checks find and what they cost, on the demo retail pack.
//
// Three sets of tasks, each run through the CaT filter and then a strength check in the sandbox:
// - the evaluation set (server/strength/fixtures/strength-eval.jsonl): hand-written verifiers, each
//   labelled lenient, strong or flaky;
// - the demo tasks the filter accepts (demo/tasks.jsonl, no planted flaw): correct verifiers, so
//   every leak, unread write or flaky mark on them is a false alarm;
// - the demo tasks with a planted lenient verifier, without the failure cases that pass (what an
//   accepted lenient task looks like when the challenger did not write the case that catches it).
// Prints recall and false alarms, and the extra cost per task (strength check against filter run).
//   npx tsx scripts/bench-probe.ts [--limit N] [--cap N] [--json]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createSandbox, type StrengthReport, type TaskVerdict } from "../server/sandbox";

const { values } = parseArgs({
  options: { limit: { type: "string" }, cap: { type: "string" }, json: { type: "boolean" } },
});
const limit = values.limit ? Number(values.limit) : Number.POSITIVE_INFINITY;
const cap = values.cap ? Number(values.cap) : 24;
const root = path.resolve(import.meta.dirname, "..");
const pack = { dir: path.join(root, "packs/retail"), hash: "bench-probe" };

interface Task {
  id: string;
  verifier: string;
  solution: string;
  failure_cases: string[];
  metadata?: { strength_expected?: string; kind?: string; flaw?: string | null; expected_reason?: string | null };
}
const read = (file: string): Task[] =>
  fs
    .readFileSync(path.join(root, file), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Task);

const evalSet = read("server/strength/fixtures/strength-eval.jsonl");
const demo = read("demo/tasks.jsonl");
const demoClean = demo.filter((t) => !t.metadata?.flaw).slice(0, limit);
const demoLenient = demo.filter((t) => t.metadata?.flaw === "lenient_verifier").slice(0, limit);

const sandbox = createSandbox({});

interface Row {
  set: string;
  id: string;
  expected: string;
  kind: string;
  accepted: boolean;
  filterMs: number;
  filterCases: number;
  strengthMs: number;
  variants: number;
  leaks: number;
  unread: number;
  flaky: boolean;
  leakKinds: string[];
}

async function measure(set: string, t: Task, expected: string, failureCases = t.failure_cases): Promise<Row | null> {
  const code = { verifier: t.verifier, solution: t.solution, failureCases };
  let started = performance.now();
  let verdict: TaskVerdict = await sandbox.runTask(pack, code);
  const filterMs = performance.now() - started;
  // a verdict that depends on random (the flaky task) may need a second try to be accepted
  for (let i = 0; i < 5 && verdict.status !== "accepted" && expected === "flaky"; i++)
    verdict = await sandbox.runTask(pack, code);
  const row: Row = {
    set,
    id: t.id,
    expected,
    kind: t.metadata?.kind ?? t.metadata?.flaw ?? "",
    accepted: verdict.status === "accepted",
    filterMs,
    filterCases: verdict.cases.length,
    strengthMs: 0,
    variants: 0,
    leaks: 0,
    unread: 0,
    flaky: false,
    leakKinds: [],
  };
  if (!row.accepted) return row;
  started = performance.now();
  const r: StrengthReport = await sandbox.checkStrength!(pack, code, {}, { cap, expectPass: true });
  row.strengthMs = performance.now() - started;
  row.variants = r.variants;
  row.leaks = r.leaks;
  row.unread = r.unreadWrites?.length ?? 0;
  row.flaky = r.flaky;
  row.leakKinds = [...new Set(r.probes.filter((p) => p.verdict === "leak").map((p) => p.kind))];
  return row;
}

const rows: Row[] = [];
// warm the zygotes (pack load) so the first task does not pay for it
await sandbox.runTask(pack, {
  verifier: "def verify(state, answer):\n    return True\n",
  solution: "",
  failureCases: [],
});
for (const t of evalSet) rows.push((await measure("eval", t, t.metadata?.strength_expected ?? "strong"))!);
for (const t of demoClean) rows.push((await measure("demo-accepted", t, "strong"))!);
for (const t of demoLenient) {
  // drop the failure cases that pass: the task is then accepted with its lenient verifier
  const v = await sandbox.runTask(pack, { verifier: t.verifier, solution: t.solution, failureCases: t.failure_cases });
  const kept = t.failure_cases.filter(
    (_, i) => v.cases.find((c) => c.role === "failure" && c.index === i)?.outcome === "fail",
  );
  if (!kept.length) kept.push("pass\n");
  rows.push((await measure("demo-lenient", t, "lenient", kept))!);
}
await sandbox.close();

const accepted = rows.filter((r) => r.accepted);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : "–");
const sets = ["eval", "demo-accepted", "demo-lenient"];
const summary = sets.map((set) => {
  const rs = accepted.filter((r) => r.set === set);
  const lenient = rs.filter((r) => r.expected === "lenient");
  const strong = rs.filter((r) => r.expected === "strong");
  const flaky = rs.filter((r) => r.expected === "flaky");
  return {
    set,
    tasks: rows.filter((r) => r.set === set).length,
    accepted: rs.length,
    lenient: lenient.length,
    leaksFound: lenient.filter((r) => r.leaks > 0).length,
    strong: strong.length,
    falseLeaks: strong.filter((r) => r.leaks > 0).length,
    falseUnread: strong.filter((r) => r.unread > 0).length,
    falseFlaky: [...strong, ...lenient].filter((r) => r.flaky).length,
    flaky: flaky.length,
    flakyFound: flaky.filter((r) => r.flaky).length,
  };
});
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const cost = {
  tasks: accepted.length,
  filterMsPerTask: mean(accepted.map((r) => r.filterMs)),
  filterCasesPerTask: mean(accepted.map((r) => r.filterCases)),
  strengthMsPerTask: mean(accepted.map((r) => r.strengthMs)),
  variantsPerTask: mean(accepted.map((r) => r.variants)),
};

if (values.json) {
  console.log(JSON.stringify({ summary, cost, rows }, null, 2));
} else {
  for (const r of rows) {
    const found = !r.accepted
      ? "not accepted"
      : `${r.variants} variants, ${r.leaks} leaks${r.leakKinds.length ? ` (${r.leakKinds.join(", ")})` : ""}, ${r.unread} unread, ${r.flaky ? "flaky" : "steady"}`;
    console.log(`${r.set.padEnd(14)} ${r.expected.padEnd(8)} ${r.id.padEnd(38)} ${found}`);
  }
  console.log("");
  for (const s of summary) {
    console.log(
      `${s.set}: ${s.accepted}/${s.tasks} accepted · recall ${s.leaksFound}/${s.lenient} (${pct(s.leaksFound, s.lenient)}) · false leaks ${s.falseLeaks}/${s.strong} · false unread writes ${s.falseUnread}/${s.strong} · false flaky ${s.falseFlaky} · flaky found ${s.flakyFound}/${s.flaky}`,
    );
  }
  console.log(
    `cost per accepted task: filter run ${cost.filterMsPerTask.toFixed(0)} ms (${cost.filterCasesPerTask.toFixed(1)} cases) · strength check ${cost.strengthMsPerTask.toFixed(0)} ms (${cost.variantsPerTask.toFixed(1)} variants + 2 solution runs) · ${(cost.strengthMsPerTask / cost.filterMsPerTask).toFixed(1)}× the filter run`,
  );
}
