// npm run bench:filter [-- --users 800 --orders 1600 --light 300 --hash 150 --seed N --only light|hash --skip-sandbox]
//
// The engine against the loop a researcher would write, on an environment of real size. A seeded
// pack with 2-5 MB of JSON state and tasks of two kinds (scripts/bench_pack.py): light verifiers
// that look at a few records, and verifiers that hash the whole database. For each kind:
//   bare    scripts/bare_filter.py: one CPython process, a fresh load_state() per case, exec of the
//           case, verify on that same state object (no deep copy, no sandbox, no database);
//   engine  `npm run -s cli -- filter --batch B --wait` in a process of its own, against a real
//           PostgreSQL (embedded, started here): the queue, a worker, the sandbox, every verdict
//           and case written — what a user waits for, start-up included;
//   sandbox the sandbox alone in this process (no queue, no database), as a second line.
// It prints the rates, the ratios, where a case's time goes (from CAT_FILTER_PROFILE, written by
// the worker) and peak memory, and fails if any verdict differs from the bare loop's. First, the
// machine's floor (scripts/sandbox_floor.py): what the two processes each case needs cost here
// before they do anything, and so the best ratio any engine keeping the contract could print on
// this machine — forks and page faults cost ten times more in some virtual machines than in others.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDb, type Db } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { registerPack } from "../server/packs/register-pack";
import { createSandbox, type TaskCode } from "../server/sandbox";
import { importTasks } from "../server/tasks/import-tasks";
import { parentPid } from "../server/testing/proc";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "20261201" },
    users: { type: "string", default: "800" },
    orders: { type: "string", default: "1600" },
    light: { type: "string", default: "300" },
    hash: { type: "string", default: "150" },
    only: { type: "string" },
    "skip-sandbox": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const CORES = os.availableParallelism();
const kinds = (values.only ? [values.only] : ["light", "hash"]) as Array<"light" | "hash">;

interface Task {
  id: string;
  verifier: string;
  solution: string;
  failure_cases: string[];
}
interface Verdict {
  status: string;
  reason: string | null;
}

const parentOf = (pid: number): number => parentPid(pid) ?? 0;

/** A process and its descendants. */
function treeOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const ppid = parentPid(Number(d));
    if (ppid !== null) parent.set(Number(d), ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree);
}

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

/** Proportional set size (MB) of a process and its descendants: what they hold of the machine's memory. */
function treePssMb(tree: number[]): number {
  let kb = 0;
  for (const pid of tree) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return kb / 1024;
}

const TICK = 100; // clock ticks per second (USER_HZ) in /proc/*/stat

/** CPU seconds of a process: its own, and (with children) what it has reaped of its children's. */
function cpuSeconds(pid: number, children = false): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14-17 of stat, counted from after the command: utime stime cutime cstime
    const [u, s, cu, cs] = [f[11], f[12], f[13], f[14]].map(Number) as [number, number, number, number];
    return (u + s + (children ? cu + cs : 0)) / TICK;
  } catch {
    return 0;
  }
}

/**
 * CPU of a process tree by kind, sampled while it runs (the last sample of each process counts).
 * bubblewrap does not hand its children's CPU time up to its parent, so the zygotes are sampled
 * themselves: their own time and that of the case and verifier processes they reaped.
 */
class TreeCpu {
  private last = new Map<number, { kind: "node" | "sandbox" | "other"; seconds: number }>();
  sample(tree: number[]): void {
    const comm = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      } catch {
        return "";
      }
    };
    for (const pid of tree) {
      const name = comm(pid);
      if (!name) continue;
      const kind =
        name === "node" ? "node" : name.startsWith("python") || name.startsWith("bwrap") ? "sandbox" : "other";
      // A case or verifier process is counted by its zygote once reaped: counting it here too
      // would count it twice.
      if (name.startsWith("python") && comm(parentOf(pid)).startsWith("python")) continue;
      // A zygote's own CPU and that of the case and verifier processes it reaped. Not bubblewrap's
      // reaped children: that is the zygote again once it exited, already counted from its last
      // sample (the zygotes idle from their last case to the end, so that sample is complete).
      const seconds = cpuSeconds(pid, name.startsWith("python"));
      if (seconds) this.last.set(pid, { kind, seconds });
    }
  }
  total(kind: "node" | "sandbox"): number {
    return sum([...this.last.values()].filter((v) => v.kind === kind).map((v) => v.seconds));
  }
}

/** CPU seconds the PostgreSQL server has used: the postmaster, its live backends and those it reaped. */
function postgresCpu(postmaster: number): number {
  let total = cpuSeconds(postmaster, true);
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    if (parentPid(Number(d)) === postmaster) total += cpuSeconds(Number(d));
  }
  return total;
}

function findPostmaster(dir: string): number {
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.name === "postmaster.pid")
      return Number(fs.readFileSync(path.join(e.parentPath, e.name), "utf8").split("\n")[0]);
  }
  throw new Error(`no postmaster.pid under ${dir}`);
}

function runBare(pack: string, file: string) {
  const r = spawnSync("/usr/bin/python3", ["scripts/bare_filter.py", pack, file], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) throw new Error(`the bare loop failed: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  const summary = JSON.parse(lines.pop()!) as { cases: number; elapsed_s: number; cpu_s: number; max_rss_mb: number };
  const verdicts = new Map(
    lines
      .map((l) => JSON.parse(l) as Verdict & { id: string })
      .map((v) => [v.id, { status: v.status, reason: v.reason }]),
  );
  return {
    cases: summary.cases,
    seconds: summary.elapsed_s,
    cpuMsPerCase: (1000 * summary.cpu_s) / summary.cases,
    rate: summary.cases / summary.elapsed_s,
    rssMb: summary.max_rss_mb,
    verdicts,
  };
}

interface Floor {
  serialMsPerCase: number;
  parallelMsPerCase: number;
  hugePagesMb: number;
}

function measureFloor(pack: string): Floor {
  const r = spawnSync("/usr/bin/python3", ["scripts/sandbox_floor.py", pack, "--cases", "100"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`measuring the machine's floor failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Floor;
}

interface ProfileLine {
  t: "start" | "run";
  at: number;
  cases?: number;
  queueMs?: number;
  sandboxMs?: number;
  writeMs?: number;
  fork?: number;
  case?: number;
  handover?: number;
  verify?: number;
}

async function runEngine(dbUrl: string, dataDir: string, batch: string, postmaster: number) {
  fs.mkdirSync(dataDir, { recursive: true });
  const profile = path.join(dataDir, `profile-${batch}.jsonl`);
  const pgBefore = postgresCpu(postmaster);
  const started = performance.now();
  const startedAt = Date.now();
  const child = spawn("npm", ["run", "-s", "cli", "--", "filter", "--batch", batch, "--wait"], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      CAT_DATA_DIR: dataDir,
      CAT_FILTER_PROFILE: profile,
      CAT_SEED_DEMO: "0",
      NODE_OPTIONS: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString("utf8")).slice(-4000)));
  let peakPss = 0;
  let samples = 0;
  const cpu = new TreeCpu();
  const sampler = setInterval(() => {
    // The sampling shares the 2 cores with the engine: one walk of /proc per sample, and memory
    // (smaps, ~1 ms a process) every fifth; together ~2 % of a core instead of ~8 %.
    const tree = treeOf(child.pid!);
    if (samples++ % 5 === 0) peakPss = Math.max(peakPss, treePssMb(tree));
    cpu.sample(tree);
  }, 100);
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const pgCpu = postgresCpu(postmaster) - pgBefore;
  if (code !== 0) throw new Error(`filter --wait exited with ${code}:\n${stderr}\n${stdout.slice(-2000)}`);
  const result = JSON.parse(stdout.trim().split("\n").pop()!) as { cases: number; tasks: number; failedRuns: number };
  const lines = fs.existsSync(profile)
    ? fs
        .readFileSync(profile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as ProfileLine)
    : [];
  return {
    seconds,
    startedAt,
    cases: result.cases,
    tasks: result.tasks,
    failedRuns: result.failedRuns,
    peakPss,
    profile: lines,
    cpu: { node: cpu.total("node"), sandbox: cpu.total("sandbox"), postgres: pgCpu },
  };
}

async function verdictsOf(db: Db, batch: string): Promise<Map<string, Verdict>> {
  const rows = await db.pool.query<{ id: string; status: string | null; reason: string | null }>(
    `select t.external_id as id, t.verdict_status::text as status, t.verdict_reason::text as reason
     from tasks t join import_batches b on b.id = t.batch_id where b.name = $1`,
    [batch],
  );
  return new Map(rows.rows.map((r) => [r.id, { status: r.status ?? "not run", reason: r.reason }]));
}

function mismatches(bare: Map<string, Verdict>, engine: Map<string, Verdict>): string[] {
  const out: string[] = [];
  for (const [id, b] of bare) {
    const e = engine.get(id);
    if (!e || e.status !== b.status || (e.reason ?? null) !== (b.reason ?? null)) {
      out.push(`${id}: bare ${b.reason ?? b.status}, engine ${e ? (e.reason ?? e.status) : "missing"}`);
    }
  }
  return out;
}

async function runSandboxOnly(packDir: string, tasks: Task[]) {
  const sandbox = createSandbox();
  const pack = { dir: packDir, hash: `bench-${path.basename(path.dirname(packDir))}` };
  const code = (t: Task): TaskCode => ({ verifier: t.verifier, solution: t.solution, failureCases: t.failure_cases });
  await Promise.all(Array.from({ length: CORES }, () => sandbox.runTask(pack, code(tasks[0]!)))); // zygotes up
  const t0 = performance.now();
  let next = 0;
  let cases = 0;
  await Promise.all(
    Array.from({ length: 4 * CORES }, async () => {
      while (next < tasks.length) {
        const v = await sandbox.runTask(pack, code(tasks[next++]!));
        cases += v.cases.length;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await sandbox.close();
  return { cases, seconds, rate: cases / seconds };
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cat-bench-filter-"));
  fs.chmodSync(tmp, 0o755); // the embedded PostgreSQL runs as `postgres` when we are root
  const gen = spawnSync(
    "/usr/bin/python3",
    [
      "scripts/bench_pack.py",
      tmp,
      "--seed",
      values.seed!,
      "--users",
      values.users!,
      "--orders",
      values.orders!,
      "--light",
      values.light!,
      "--hash",
      values.hash!,
    ],
    { encoding: "utf8" },
  );
  if (gen.status !== 0) throw new Error(`generating the bench pack failed: ${gen.stderr}`);
  const made = JSON.parse(gen.stdout.trim().split("\n").pop()!) as { pack: string; stateBytes: number };
  console.log(
    `bench:filter — retail-bench pack with ${(made.stateBytes / 1e6).toFixed(2)} MB of JSON state (seed ${values.seed}); ${CORES} cores; ` +
      `load average ${fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );

  // The floor under any engine that keeps the contract, on this machine: two processes per case.
  const floor = measureFloor(made.pack);
  const floorRate = 1000 / Math.min(floor.serialMsPerCase, floor.parallelMsPerCase);
  console.log(
    `machine floor: two empty sandboxed children per case (fork, set-up, seccomp, exit; scripts/sandbox_floor.py) ` +
      `${f2(floor.serialMsPerCase)} ms per case in one zygote, ${f2(floor.parallelMsPerCase)} ms in two at once ` +
      `→ at most ${f1(floorRate)} cases/s if cases, verifiers, the queue and the database cost nothing; ` +
      (floor.hugePagesMb > 0
        ? `${f1(floor.hugePagesMb)} MB of the settled zygote in huge pages`
        : "no huge pages (the kernel gave none: forks and first touches go one 4 KiB page at a time)"),
  );

  const embedded = await startEmbeddedPostgres(path.join(tmp, "pg"));
  const postmaster = findPostmaster(path.join(tmp, "pg"));
  const db = await openDb(embedded.url, { embedded });
  await registerPack({ db, dir: made.pack, name: "retail-bench" });
  const summary: Record<string, unknown> = {
    stateMb: +(made.stateBytes / 1e6).toFixed(2),
    cores: CORES,
    floorMsPerCase: floor,
  };
  let failed = false;
  try {
    for (const kind of kinds) {
      const file = path.join(tmp, `${kind}.jsonl`);
      const tasks = fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Task);
      const batch = `bench-${kind}`;
      await importTasks({ db, source: fs.createReadStream(file), fileName: `${kind}.jsonl`, batchName: batch });

      const bare = runBare(made.pack, file);
      const engine = await runEngine(embedded.url, path.join(tmp, "cli-data"), batch, postmaster);
      const engineRate = engine.cases / engine.seconds;
      const wrong = mismatches(bare.verdicts, await verdictsOf(db, batch));
      const label = kind === "light" ? "light verifiers (a few records)" : "hash verifiers (the whole database)";
      const load = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
      console.log(`\n${label}: ${tasks.length} tasks, ${bare.cases} cases (load average now ${load()})`);
      console.log(
        `  bare CPython loop         ${f1(bare.rate)} cases/s (${f1(1000 / bare.rate)} ms per case, ${f2(bare.cpuMsPerCase)} of them CPU), peak RSS ${f1(bare.rssMb)} MB`,
      );
      console.log(
        `  ceiling on this machine   ${f2(floorRate / bare.rate)}× the bare loop (the floor above: ${f1(floorRate)} cases/s)`,
      );
      console.log(
        `  engine, filter --wait     ${f1(engineRate)} cases/s (${engine.cases} cases in ${f2(engine.seconds)} s, start-up included)` +
          `  → ${f2(engineRate / bare.rate)}× the bare loop (target ${kind === "light" ? 3 : 2}×)`,
      );

      // Where a case's time goes: the stages the worker measured, per case; the rest of the
      // engine's core time (start-up, idle zygotes, the host, Postgres) is the remainder.
      const runs = engine.profile.filter((p) => p.t === "run");
      const start = engine.profile.find((p) => p.t === "start");
      if (runs.length) {
        const n = runs.reduce((a, r) => a + (r.cases ?? 0), 0);
        const per = (k: keyof ProfileLine) => runs.reduce((a, r) => a + ((r[k] as number | undefined) ?? 0), 0) / n;
        const coreMs = (CORES * engine.seconds * 1000) / n;
        const firstWrite = Math.min(...runs.map((r) => r.at));
        const lastWrite = Math.max(...runs.map((r) => r.at));
        const startup = start ? (start.at - engine.startedAt) / 1000 : NaN;
        const split = {
          fork: per("fork"),
          case: per("case"),
          handover: per("handover"),
          verifier: per("verify"),
          write: per("writeMs"),
          queue: per("queueMs"),
        };
        console.log(
          `  per case (ms)             fork ${f2(split.fork)} · case ${f2(split.case)} · state hand-over ${f2(split.handover)} · verifier ${f2(split.verifier)}` +
            ` · result write ${f2(split.write)} · queue ${f2(split.queue)}; ${f2(coreMs)} core-ms per case in all`,
        );
        console.log(
          `  wall                      process start to worker up ${f2(startup)} s · first verdict written ${f2((firstWrite - engine.startedAt) / 1000)} s` +
            ` · last ${f2((lastWrite - engine.startedAt) / 1000)} s · exit ${f2(engine.seconds)} s`,
        );
        summary[`${kind}Split`] = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, +v.toFixed(2)]));
      }
      const perCase = (sec: number) => f2((1000 * sec) / engine.cases);
      console.log(
        `  CPU per case (ms)         sandbox ${perCase(engine.cpu.sandbox)} · Node (queue, host, writes) ${perCase(engine.cpu.node)} · PostgreSQL ${perCase(engine.cpu.postgres)}` +
          ` · sum ${perCase(engine.cpu.sandbox + engine.cpu.node + engine.cpu.postgres)} (of ${f2((CORES * 1000 * engine.seconds) / engine.cases)} core-ms available)`,
      );
      // The machine is shared: what the engine would do with both cores to itself, from what each
      // side costs in CPU rather than in wall time (the bare loop uses one core, the engine all).
      const engineCpu = +perCase(engine.cpu.sandbox + engine.cpu.node + engine.cpu.postgres);
      const cpuRatio = (CORES * bare.cpuMsPerCase) / engineCpu;
      console.log(
        `  from CPU alone            ${f2(cpuRatio)}× the bare loop (${CORES} cores × ${f2(bare.cpuMsPerCase)} ms / ${f2(engineCpu)} ms: ` +
          `the ratio on a machine with nothing else running, if the engine kept every core busy)`,
      );
      summary[`${kind}CpuRatio`] = +f2(cpuRatio);
      summary[`${kind}CpuPerCaseMs`] = {
        sandbox: +perCase(engine.cpu.sandbox),
        node: +perCase(engine.cpu.node),
        postgres: +perCase(engine.cpu.postgres),
      };
      console.log(
        `  peak memory               engine process tree ${f1(engine.peakPss)} MB PSS (Node, sandbox zygotes and cases; PostgreSQL not counted)`,
      );
      let sandboxOnly: { rate: number } | undefined;
      if (!values["skip-sandbox"]) {
        sandboxOnly = await runSandboxOnly(made.pack, tasks);
        console.log(
          `  sandbox alone             ${f1(sandboxOnly.rate)} cases/s → ${f2(sandboxOnly.rate / bare.rate)}× (no queue, no database)`,
        );
      }
      console.log(
        `  verdicts that differ from the bare loop: ${wrong.length}${engine.failedRuns ? `; failed runs: ${engine.failedRuns}` : ""}`,
      );
      for (const w of wrong.slice(0, 20)) console.log(`    ${w}`);
      if (wrong.length || engine.failedRuns) failed = true;
      Object.assign(summary, {
        [`${kind}Tasks`]: tasks.length,
        [`${kind}Cases`]: bare.cases,
        [`${kind}BareCasesPerSecond`]: +f1(bare.rate),
        [`${kind}BareCpuMsPerCase`]: +f2(bare.cpuMsPerCase),
        [`${kind}EngineCasesPerSecond`]: +f1(engineRate),
        [`${kind}Ratio`]: +f2(engineRate / bare.rate),
        [`${kind}CeilingRatio`]: +f2(floorRate / bare.rate),
        [`${kind}SandboxOnlyRatio`]: sandboxOnly ? +f2(sandboxOnly.rate / bare.rate) : null,
        [`${kind}EnginePeakPssMb`]: Math.round(engine.peakPss),
        [`${kind}Mismatches`]: wrong.length,
      });
    }
  } finally {
    await db.close();
    if (!values.keep) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  }
  console.log(JSON.stringify(summary));
  if (failed) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
