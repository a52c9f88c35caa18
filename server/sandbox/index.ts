/**
 * # The CaT sandbox
 *
 * Runs one CaT task's cases (the solution and every failure case) against an environment pack and
 * returns the verdict of the CaT filter. Everything it runs is LLM-generated — verifier, solution,
 * failure cases and the pack's own env.py — so all of it is treated as an attack.
 *
 * ## Threat model: what hostile code must not be able to do, and what stops it
 * - **Touch the host.** Each zygote runs in bubblewrap with an empty tmpfs root into which only the
 *   interpreter binary, its stdlib, the shared libraries those actually link (found with ldd, bound
 *   file by file) and the pack (read-only, at /pack) are bound. /usr, /etc, /root, /work and /proc are
 *   not there, so there is nothing to read; the root and /dev are remounted read-only, so there is
 *   nowhere to write but a private 64 MiB /tmp and a 1 MiB /dev/shm (bwrap's /dev is otherwise a
 *   tmpfs as large as half the host's RAM: env.py once left 500 MB there), and case/verifier
 *   processes are additionally denied every file-writing syscall by seccomp (so no case leaves files
 *   for a later case to find). The pack is bound read-only: a case cannot rewrite the environment of
 *   the next task. When the server runs as root, bubblewrap runs as uid/gid 65534 (SandboxOptions.
 *   user), so nothing in the sandbox is host root, not even for the files bound in.
 * - **Read the server's secrets.** bwrap is spawned with an empty environment and --clearenv, and the
 *   harness clears os.environ as well: a verifier can't copy API keys out of the server's env
 *   (the published lesson of code-evaluator products).
 * - **Reach the network.** New network namespace (not even the host's loopback), and seccomp refuses
 *   every socket family but AF_UNIX.
 * - **Start programs or linger.** Seccomp kills execve/execveat everywhere in the sandbox and refuses
 *   fork/vfork/clone-without-CLONE_THREAD in case and verifier processes, so a case is exactly one
 *   process (threads allowed) and dies whole when its process group is SIGKILLed. No capabilities,
 *   no nested user namespaces, no ptrace, no /proc to find other processes, and no signals to them:
 *   kill/tkill/tgkill/pidfd_send_signal are refused, and so are the ways to have the kernel send
 *   one (fcntl F_SETOWN/F_SETOWN_EX/F_SETSIG, ioctl FIOSETOWN/SIOCSPGRP: a case SIGKILLed its
 *   zygote with SIGIO redirected to SIGKILL) and changes to another process's scheduling
 *   (sched_setattr and friends, setpriority: a case put the zygote on SCHED_IDLE).
 * - **Affect another case.** Each case is a fresh fork of a zygote that loaded the pack once: its
 *   memory (state, modules, builtins, globals) is a copy-on-write copy of pristine memory, thrown
 *   away afterwards. It cannot write files (above), and the zygote only ever runs pack code, never
 *   task code. SysV shared memory, semaphores and message queues and POSIX message queues are
 *   refused to everything in the sandbox: they belong to the zygote's IPC namespace and outlive
 *   the process that made them (a segment made by one task's case was read by another task's
 *   verifier, and 3 GiB of segments escaped RLIMIT_AS).
 * - **Forge its verdict.** The verifier runs in a *different* process, forked from the pristine
 *   zygote only after the case's process group is dead. All the case can hand it is its final state
 *   and messages, as data: a diff against the pristine state encoded as (tagged) JSON — never
 *   pickle or marshal, whose loaders hostile bytes could subvert. Results travel on a dedicated pipe
 *   (fd 3 in each child) read by the zygote, never on stdout, so printing a fake result line only
 *   prints a line. The zygote's own channel to the host (fds 0 and 3) is closed in every child.
 *   What a case reports about itself (tool calls, messages shown, its exception) is informative and
 *   could be forged by the case; the outcome comes only from the verifier process.
 * - **Exhaust the worker or the host.** Per-phase wall-clock deadlines enforced by the zygote
 *   (SIGKILL of the process group), RLIMIT_CPU as a backstop, RLIMIT_AS for memory, and
 *   RLIMIT_NPROC of 128 processes and threads per sandbox (it counts per user namespace and uid,
 *   and the kernel ignores it for host root: hence the unprivileged uid above; a case once started
 *   6,000 threads, env.py 3,000 processes). Output is bounded (stdout/stderr capture, the rest
 *   counted and dropped), and so is what a case reports about itself (messages and tool calls, in
 *   count and bytes, by the case and again by the zygote; a report over 4 MiB is refused from its
 *   announced size). Every reply the zygote sends fits in 8 MiB; the host reads frames in linear
 *   time and kills a zygote whose frame announces more (only pack code can write one), so a huge
 *   frame never blocks the event loop. The host also keeps its own watchdog per request and kills a
 *   zygote that stops answering; crashed zygotes are replaced. bwrap --die-with-parent plus the pid
 *   namespace ensure nothing survives the server.
 * - **Starve other tasks.** Queued cases go to zygotes round robin across fairness keys (one per
 *   runTask call unless the caller groups them, e.g. per user), and a task whose cases have kept
 *   zygotes busy for its budget (one timeout per case, at most 120 s unless budgetMs says up to
 *   10 min) starts no more of them: the rest come back as timeouts that say they were not run.
 *   (A verifier sleeping for an hour in 200 failure cases held every slot for 17 minutes.)
 *
 * ## Not covered
 * - A hostile *pack* is the environment: its env.py runs in the zygote (under the same namespaces, the
 *   base seccomp filter and the same process cap) and can of course make its own tools lie, or fill
 *   its own sandbox's process cap so that no case starts (each case then says so). Verdicts are only
 *   as good as the pack; the pack hash recorded with every verdict says which one produced it.
 * - CPU side channels, kernel exploits through the syscalls that stay allowed, and a case's own
 *   reporting (tool-call log, messages shown) are out of scope.
 *
 * ## Speed
 * The bare loop pays load_state() (parsing the pack's JSON) for every case; this pays it once per
 * zygote. A zygote imports env.py, calls load_state() once, re-allocates the state breadth-first (so
 * walking one level of it touches few pages), fingerprints it (marshal bytes of chunks of 32
 * records) and freezes the GC, then forks per case: the fork *is* the fresh state, copy-on-write.
 * The case child finds what changed by re-marshalling chunks and comparing them with the
 * fingerprints (C speed, no Python walk of unchanged data) and sends only those parts; the
 * verifier child applies them to its own pristine copy, so neither side re-parses the data.
 * One zygote per core keeps every core busy, and a task's cases are spread over all of them.
 * Measured on this 2-core machine: ~9 ms fixed cost per case (two forks, seccomp, pipes, host
 * round trip); with the 2 MB retail demo pack 104 cases/s against the bare loop's 12 (same
 * verdicts on all 200 demo tasks); with a 5 MB state 72 cases/s against 16 for a lean bare loop.
 * The limits above cost nothing measurable: a trivial case takes 5.0-6.4 ms at concurrency 1 and
 * the demo runs at 105-136 cases/s, before and after, interleaved on the same (shared) machine.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { packDirFor, resolveRuntime, SandboxUnavailableError, unstage, type Runtime } from "./runtime";
import {
  DEFAULT_LIMITS,
  type CaseError,
  type CaseOutcome,
  type CaseResult,
  type CaseRole,
  type CaseTiming,
  type PackInfo,
  type PackRef,
  type RunOptions,
  type Sandbox,
  type SandboxLimits,
  type SandboxOptions,
  type StateChange,
  type StateDiff,
  type TaskCode,
  type TaskVerdict,
  type ToolCall,
} from "./types";
import {
  runStrengthCheck,
  type ProbeRun,
  type StrengthCode,
  type StrengthOptions,
  type StrengthReport,
} from "./strength";
import { decideVerdict, hashTaskCode } from "./verdict";
import { PackLoadError, Zygote, WorkerLostError, type RequestTiming } from "./zygote";

export * from "./types";
export * from "./strength";
export { hashTaskCode, decideVerdict } from "./verdict";
export { PackLoadError } from "./zygote";
export { SandboxUnavailableError } from "./runtime";

const WATCHDOG_SLACK_MS = 5_000;
/** Requests queued at one zygote: the one it runs and the next, so it never waits for the host. */
const MAX_INFLIGHT = 2;

/** A task's default time budget is one case timeout per case, at most this (budgetMs may say up to MAX_BUDGET_MS). */
const DEFAULT_MAX_BUDGET_MS = 120_000;
const MAX_BUDGET_MS = 600_000;
/** Printed output kept per stream and phase: four of them fit in a reply frame (MAX_FRAME_BYTES, 8 MiB). */
const MAX_OUTPUT_BYTES = 1 << 20;

type Reply = Record<string, unknown>;

/** One runTask call's share of the pool. */
interface TaskRun {
  budgetMs: number;
  /** Time its finished requests kept a zygote busy. */
  usedMs: number;
  /** Its requests a zygote is working on now. */
  running: Set<Job>;
  exhausted: boolean;
}

interface Job {
  packKey: string;
  packDir: string;
  /** The pack's own directory when packDir is a staged copy. */
  origin?: string;
  cmd: Record<string, unknown>;
  watchdogMs: number;
  attempts: number;
  fairnessKey: string;
  background?: boolean;
  /** The task whose budget this request counts against; null: none (the verifier check). */
  task: TaskRun | null;
  /** Handed to a zygote once: from then on it runs even if its task's budget runs out. */
  dispatched: boolean;
  timing: RequestTiming;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

/** Requests of one fairness key, and when it was last given a zygote (round robin by that). */
interface Lane {
  jobs: Job[];
  lastServed: number;
  /** Served only after every other lane (RunOptions.background). */
  background: boolean;
}

class BudgetUsedUp extends Error {}

function resolvePack(pack: PackRef): { key: string; dir: string } {
  if (!pack || typeof pack.dir !== "string" || !path.isAbsolute(pack.dir)) {
    throw new TypeError("pack.dir must be an absolute path");
  }
  if (typeof pack.hash !== "string" || !pack.hash) throw new TypeError("pack.hash is required");
  const dir = realpathSync(pack.dir);
  if (!statSync(dir).isDirectory() || !existsSync(path.join(dir, "env.py"))) {
    throw new PackLoadError(`not a pack: ${pack.dir} has no env.py`, null, "");
  }
  return { key: `${pack.hash}\0${dir}`, dir };
}

function normalizeLimits(limits: Partial<SandboxLimits> | undefined): SandboxLimits {
  const l = { ...DEFAULT_LIMITS, ...(limits ?? {}) };
  const check = (name: keyof SandboxLimits, min: number, max: number) => {
    const v = l[name];
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
      throw new RangeError(`limits.${name} must be a number in [${min}, ${max}]`);
    }
    l[name] = Math.floor(v);
  };
  check("timeoutMs", 1, 600_000);
  check("memoryBytes", 32 << 20, 64 * 2 ** 30);
  check("outputBytes", 0, MAX_OUTPUT_BYTES);
  return l;
}

function taskBudget(options: RunOptions | undefined, cases: number, l: SandboxLimits): number {
  const b = options?.budgetMs;
  if (b === undefined) return Math.min(cases * l.timeoutMs, DEFAULT_MAX_BUDGET_MS);
  if (typeof b !== "number" || !Number.isFinite(b) || b <= 0)
    throw new RangeError("options.budgetMs must be a positive number");
  return Math.min(Math.ceil(b), MAX_BUDGET_MS);
}

let runSeq = 0;

/** Where a pack is bound from, per runtime and pack: the pack itself, or a copy the sandbox user can read. */
const packDirs = new Map<string, Promise<{ dir: string; staged: boolean }>>();

function bindDirFor(rt: Runtime, key: string, dir: string): Promise<{ dir: string; staged: boolean }> {
  const k = `${rt.user ? `${rt.user.uid}:${rt.user.gid}` : "self"}\0${key}`;
  let p = packDirs.get(k);
  if (!p) {
    p = packDirFor(rt, dir, createHash("sha256").update(key).digest("hex").slice(0, 24));
    p.catch(() => packDirs.delete(k));
    packDirs.set(k, p);
  }
  return p;
}

// --- replies from the sandbox are re-validated: the zygote runs pack code ---------------------

const str = (v: unknown, max = 1 << 20): string =>
  (typeof v === "string" ? v : v == null ? "" : String(v)).slice(0, max);

function toCaseError(v: unknown, fallbackSource: "case" | "verifier"): CaseError | undefined {
  if (!v || typeof v !== "object") return undefined;
  const e = v as Record<string, unknown>;
  const out: CaseError = {
    type: str(e.type, 200) || "Error",
    message: str(e.message, 10_000),
    traceback: str(e.traceback, 50_000),
    source: e.source === "case" || e.source === "verifier" ? e.source : fallbackSource,
  };
  if (typeof e.line === "number" && Number.isInteger(e.line)) out.line = e.line;
  return out;
}

function toToolCalls(v: unknown): ToolCall[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((c): c is Record<string, unknown> => !!c && typeof c === "object")
    .slice(0, 1000)
    .map((c) => {
      const call: ToolCall = { name: str(c.name, 200), args: c.args ?? null };
      if (c.result !== undefined) call.result = str(c.result, 10_000);
      if (c.error !== undefined) call.error = str(c.error, 10_000);
      if (c.call !== undefined) call.call = str(c.call, 5_000);
      return call;
    });
}

const OUTCOMES: CaseOutcome[] = ["pass", "fail", "error", "timeout"];

interface CaseRun {
  result: CaseResult;
  /** Whether this case's verifier process got the verifier module loaded (undefined: it never tried). */
  verifierLoad: { ok: boolean; error?: CaseError } | undefined;
}

function toCaseRun(r: Reply, role: CaseRole, index: number): CaseRun {
  const result = toCaseResult(r, role, index);
  if (r.verifierLoad === "ok") return { result, verifierLoad: { ok: true } };
  if (r.verifierLoad === "failed") {
    return {
      result,
      verifierLoad: { ok: false, error: toCaseError(r.verifierError, "verifier") ?? result.verifyError },
    };
  }
  return { result, verifierLoad: undefined };
}

function toCaseResult(r: Reply, role: CaseRole, index: number): CaseResult {
  const outcome = OUTCOMES.includes(r.outcome as CaseOutcome) ? (r.outcome as CaseOutcome) : "error";
  const result: CaseResult = {
    role,
    index,
    outcome,
    stdout: str(r.stdout, 64 << 20),
    stderr: str(r.stderr, 64 << 20),
    toolCalls: toToolCalls(r.toolCalls),
    messages: Array.isArray(r.messages) ? r.messages.slice(0, 1000).map((m) => str(m, 100_000)) : [],
    durationMs: typeof r.durationMs === "number" ? Math.round(r.durationMs * 10) / 10 : 0,
  };
  if (typeof r.returnRepr === "string") result.returnRepr = str(r.returnRepr, 10_000);
  const timing = toTiming(r.timing);
  if (timing) result.timing = timing;
  const caseError = toCaseError(r.caseError, "case");
  if (caseError) result.caseError = caseError;
  const verifyError = toCaseError(r.verifyError, "verifier");
  if (verifyError) result.verifyError = verifyError;
  const stateDiff = toStateDiff(r.stateDiff);
  if (stateDiff) result.stateDiff = stateDiff;
  return result;
}

const CHANGE_OPS: StateChange["op"][] = ["changed", "added", "removed"];

function toStateDiff(v: unknown): StateDiff | undefined {
  if (!v || typeof v !== "object") return undefined;
  const d = v as { entries?: unknown; more?: unknown };
  if (!Array.isArray(d.entries)) return undefined;
  const entries = d.entries
    .filter(
      (e): e is Record<string, unknown> =>
        !!e && typeof e === "object" && Array.isArray((e as { path?: unknown }).path),
    )
    .slice(0, 50)
    .map((e) => {
      const c: StateChange = {
        path: (e.path as unknown[])
          .slice(0, 64)
          .map((k) => (typeof k === "number" && Number.isInteger(k) ? k : str(k, 500))),
        op: CHANGE_OPS.includes(e.op as StateChange["op"]) ? (e.op as StateChange["op"]) : "changed",
      };
      if (typeof e.before === "string") c.before = str(e.before, 201);
      if (typeof e.after === "string") c.after = str(e.after, 201);
      return c;
    });
  const more = typeof d.more === "number" && Number.isInteger(d.more) && d.more >= 0 ? d.more : 0;
  return { entries, more: more + (d.entries.length - entries.length) };
}

function toTiming(v: unknown): CaseTiming | undefined {
  if (!v || typeof v !== "object") return undefined;
  const t = v as Record<string, unknown>;
  const ms = (x: unknown) => (typeof x === "number" && Number.isFinite(x) && x >= 0 ? Math.round(x * 100) / 100 : 0);
  return { fork: ms(t.fork), case: ms(t.case), handover: ms(t.handover), verify: ms(t.verify) };
}

function notRunCase(role: CaseRole, index: number, budgetMs: number): CaseResult {
  const seconds = Math.round(budgetMs / 100) / 10;
  return {
    role,
    index,
    outcome: "timeout",
    caseError: {
      type: "Timeout",
      message: `not run: the task's time budget of ${seconds} s was used up`,
      traceback: "",
      source: "case",
    },
    stdout: "",
    stderr: "",
    toolCalls: [],
    messages: [],
    durationMs: 0,
  };
}

function lostCase(role: CaseRole, index: number, err: Error, watchdogMs: number): CaseResult {
  const unresponsive = err instanceof WorkerLostError && err.reason === "unresponsive";
  const e: CaseError = {
    type: unresponsive ? "Timeout" : "SandboxError",
    message: unresponsive
      ? `the sandbox did not answer within ${watchdogMs} ms and was restarted`
      : `the sandbox worker failed while running this case: ${err.message.split("\n")[0]}`,
    traceback: "",
    source: "case",
  };
  return {
    role,
    index,
    outcome: unresponsive ? "timeout" : "error",
    caseError: e,
    stdout: "",
    stderr: "",
    toolCalls: [],
    messages: [],
    durationMs: 0,
  };
}

// --- the pool ----------------------------------------------------------------------------------

class ZygotePool implements Sandbox {
  private zygotes: Zygote[] = [];
  private readyZygotes = new Set<Zygote>();
  /** Queued requests by fairness key. */
  private lanes = new Map<string, Lane>();
  private served = 0;
  private closed = false;
  private sweeper: NodeJS.Timeout;
  private readonly concurrency: number;
  private readonly idleTimeoutMs: number;
  private readonly packLoadTimeoutMs: number;
  private readonly slackMs: number;
  private readonly runtime: Promise<Runtime>;
  /** One zygote per pack outside the pool, for strength checks' reruns under another hash seed. */
  private alternates = new Map<string, Zygote>();

  constructor(opts: SandboxOptions) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? os.availableParallelism()));
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5 * 60_000;
    this.packLoadTimeoutMs = opts.packLoadTimeoutMs ?? 60_000;
    this.slackMs = opts.watchdogSlackMs ?? WATCHDOG_SLACK_MS;
    this.runtime = resolveRuntime({ python: opts.python, user: opts.user });
    this.runtime.catch(() => {});
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.idleTimeoutMs, 30_000));
    this.sweeper.unref();
  }

  async runTask(
    pack: PackRef,
    code: TaskCode,
    limits?: Partial<SandboxLimits>,
    options?: RunOptions,
  ): Promise<TaskVerdict> {
    if (this.closed) throw new Error("sandbox is closed");
    if (
      !code ||
      typeof code.verifier !== "string" ||
      typeof code.solution !== "string" ||
      !Array.isArray(code.failureCases)
    ) {
      throw new TypeError("code must have verifier, solution (strings) and failureCases (string[])");
    }
    if (code.failureCases.some((c) => typeof c !== "string")) throw new TypeError("failureCases must be strings");
    if (options?.fairnessKey !== undefined && typeof options.fairnessKey !== "string") {
      throw new TypeError("options.fairnessKey must be a string");
    }
    const { key, dir } = resolvePack(pack);
    const l = normalizeLimits(limits);
    const specs: Array<[CaseRole, number, string]> = [
      ["solution", 0, code.solution],
      ...code.failureCases.map((src, i): [CaseRole, number, string] => ["failure", i, src]),
    ];
    const task: TaskRun = {
      budgetMs: taskBudget(options, specs.length, l),
      usedMs: 0,
      running: new Set(),
      exhausted: false,
    };
    const fairnessKey = options?.fairnessKey !== undefined ? `key:${options.fairnessKey}` : `run:${++runSeq}`;
    const rt = await this.runtime;
    const bind = await bindDirFor(rt, key, dir);
    const at = {
      key,
      dir: bind.dir,
      origin: bind.staged ? dir : undefined,
      fairnessKey,
      background: options?.background === true,
    };

    const caseWatchdog = 2 * l.timeoutMs + this.slackMs;
    const runs = await Promise.all(
      specs.map(([role, index, source]) =>
        this.submit(at, { op: "case", role, index, source, verifier: code.verifier, limits: l }, caseWatchdog, task)
          .then((r) => toCaseRun(r, role, index))
          .catch((e: Error): CaseRun => {
            if (e instanceof PackLoadError) throw e;
            if (e instanceof BudgetUsedUp)
              return { result: notRunCase(role, index, task.budgetMs), verifierLoad: undefined };
            return { result: lostCase(role, index, e, caseWatchdog), verifierLoad: undefined };
          }),
      ),
    );
    if (this.closed) throw new Error("sandbox was closed while the task ran");
    // Every verifier process loads the verifier before calling verify, so the first case that got
    // that far (normally the solution) tells whether it loads; only when none did (every case
    // timed out or crashed first) is a separate load check needed.
    const first = runs.find((r) => r.verifierLoad !== undefined);
    const verifier = first
      ? { ok: first.verifierLoad!.ok, error: first.verifierLoad!.error }
      : await this.checkVerifier(at, code.verifier, l);
    const caseResults = runs.map((r) => r.result);
    const { status, reason } = decideVerdict(verifier.ok, caseResults);
    const verdict: TaskVerdict = {
      status,
      reason,
      cases: caseResults,
      packHash: pack.hash,
      codeHash: hashTaskCode(code),
    };
    if (!verifier.ok && verifier.error) verdict.verifierError = verifier.error;
    return verdict;
  }

  /**
   * A strength check (strength.ts): its cases go through the pool as background work under one
   * fairness key and budget; its rerun goes to a zygote of the pack outside the pool (another
   * process: another hash seed), kept for the next check like any idle zygote.
   */
  async checkStrength(
    pack: PackRef,
    code: StrengthCode,
    limits?: Partial<SandboxLimits>,
    options: StrengthOptions = {},
  ): Promise<StrengthReport> {
    if (this.closed) throw new Error("sandbox is closed");
    if (!code || typeof code.verifier !== "string" || typeof code.solution !== "string") {
      throw new TypeError("code must have verifier and solution (strings)");
    }
    const { key, dir } = resolvePack(pack);
    const l = normalizeLimits(limits);
    const budgetMs = taskBudget({ budgetMs: options.budgetMs ?? DEFAULT_MAX_BUDGET_MS }, 1, l);
    const task: TaskRun = { budgetMs, usedMs: 0, running: new Set(), exhausted: false };
    const rt = await this.runtime;
    const bind = await bindDirFor(rt, key, dir);
    const at: JobTarget = {
      key,
      dir: bind.dir,
      origin: bind.staged ? dir : undefined,
      fairnessKey: `strength:${options.fairnessKey ?? ++runSeq}`,
      background: true,
    };
    const watchdog = 2 * l.timeoutMs + this.slackMs;
    const asRun =
      (cmd: Reply) =>
      (r: Reply): ProbeRun => ({
        result: toCaseResult(r, cmd.role as CaseRole, cmd.index as number),
        raw: r,
      });
    const lost = (e: Error) => {
      if (e instanceof PackLoadError) throw e;
      return null;
    };
    return runStrengthCheck(
      {
        runCase: (cmd) => this.submit(at, cmd, watchdog, task).then(asRun(cmd), lost),
        plan: (cmd) => this.submit(at, cmd, l.timeoutMs + this.slackMs, task).catch(lost),
        runCaseElsewhere: async (cmd) => {
          const w = this.alternate(rt, at);
          w.setRef(true);
          try {
            await w.ready;
            return await w.request(cmd, watchdog).then(asRun(cmd), lost);
          } catch (e) {
            return lost(e as Error);
          } finally {
            w.lastUsed = Date.now();
            if (!w.dead && w.load === 0) w.setRef(false);
          }
        },
      },
      code,
      l,
      options,
    );
  }

  /** The pack's zygote outside the pool, started on first use (strength checks' reruns). */
  private alternate(rt: Runtime, at: JobTarget): Zygote {
    const known = this.alternates.get(at.key);
    if (known && !known.dead) return known;
    const w = new Zygote(rt, at.key, at.dir, "zygote", this.packLoadTimeoutMs, at.origin);
    w.onGone = () => {
      if (this.alternates.get(at.key) === w) this.alternates.delete(at.key);
    };
    this.alternates.set(at.key, w);
    return w;
  }

  private checkVerifier(
    at: JobTarget,
    verifier: string,
    l: SandboxLimits,
  ): Promise<{ ok: boolean; error?: CaseError }> {
    // not subject to the budget: one short request, and the verdict's reason depends on it
    return this.submit(at, { op: "check_verifier", verifier, limits: l }, l.timeoutMs + this.slackMs, null)
      .then((r) => ({ ok: r.ok === true, error: toCaseError(r.error, "verifier") }))
      .catch((e: Error) => {
        if (e instanceof PackLoadError) throw e;
        const unresponsive = e instanceof WorkerLostError && e.reason === "unresponsive";
        return {
          ok: false,
          error: {
            type: unresponsive ? "Timeout" : "SandboxError",
            message: `loading the verifier failed: ${e.message.split("\n")[0]}`,
            traceback: "",
            source: "verifier" as const,
          },
        };
      });
  }

  private submit(
    at: JobTarget,
    cmd: Record<string, unknown>,
    watchdogMs: number,
    task: TaskRun | null,
  ): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (this.closed) {
        reject(new Error("sandbox is closed"));
        return;
      }
      const job: Job = {
        packKey: at.key,
        packDir: at.dir,
        origin: at.origin,
        cmd,
        watchdogMs,
        attempts: 0,
        fairnessKey: at.fairnessKey,
        background: at.background,
        task,
        dispatched: false,
        timing: {},
        resolve,
        reject,
      };
      this.enqueue(job, false);
      void this.pump();
    });
  }

  private enqueue(job: Job, front: boolean): void {
    let lane = this.lanes.get(job.fairnessKey);
    if (!lane) {
      // a key with nothing queued comes first in the rotation (it was served longest ago)
      lane = { jobs: [], lastServed: 0, background: job.background === true };
      this.lanes.set(job.fairnessKey, lane);
    }
    if (front) lane.jobs.unshift(job);
    else lane.jobs.push(job);
  }

  /** Whether the task has used its budget: finished requests plus the time its running ones have taken so far. */
  private usedUp(task: TaskRun): boolean {
    if (task.exhausted) return true;
    let used = task.usedMs;
    const now = Date.now();
    for (const j of task.running) if (j.timing.startedAt !== undefined) used += now - j.timing.startedAt;
    if (used >= task.budgetMs) task.exhausted = true;
    return task.exhausted;
  }

  private async pump(): Promise<void> {
    if (this.closed) return;
    const rt = await this.runtime;
    this.zygotes = this.zygotes.filter((w) => !w.dead);
    // 1. requests of tasks whose budget is used up are not run
    for (const [key, lane] of this.lanes) {
      const keep: Job[] = [];
      for (const j of lane.jobs) {
        if (!j.dispatched && j.task && this.usedUp(j.task)) j.reject(new BudgetUsedUp());
        else keep.push(j);
      }
      lane.jobs = keep;
      if (!keep.length) this.lanes.delete(key);
    }
    // 2. hand queued requests to zygotes of their pack, one per fairness key in turn, the key
    //    served longest ago first: a task of 200 slow cases and one of a single case share the pool
    const blocked = new Set<string>(); // packs with no zygote free in this pass (that only gets worse)
    for (let progress = true; progress; ) {
      progress = false;
      const order = [...this.lanes].sort(
        (a, b) => Number(a[1].background) - Number(b[1].background) || a[1].lastServed - b[1].lastServed,
      );
      for (const [key, lane] of order) {
        // background work goes only to zygotes nobody else's queued request can use
        if (lane.background && order.some(([, l]) => !l.background && l.jobs.some((j) => !blocked.has(j.packKey))))
          continue;
        for (let i = 0; i < lane.jobs.length; i++) {
          const job = lane.jobs[i]!;
          if (blocked.has(job.packKey)) continue;
          const w = this.freeZygote(job.packKey);
          if (!w) {
            blocked.add(job.packKey);
            continue;
          }
          if (job.background && w.load > 0) continue; // never queued behind another request
          lane.jobs.splice(i, 1);
          lane.lastServed = ++this.served;
          this.dispatch(w, job);
          progress = true;
          break;
        }
        if (!lane.jobs.length) this.lanes.delete(key);
      }
    }
    // 3. start zygotes for packs whose queued requests outnumber their starting zygotes
    const waiting = new Map<string, { dir: string; origin?: string; n: number }>();
    for (const lane of this.lanes.values()) {
      for (const j of lane.jobs) {
        const e = waiting.get(j.packKey);
        if (e) e.n++;
        else waiting.set(j.packKey, { dir: j.packDir, origin: j.origin, n: 1 });
      }
    }
    for (const [packKey, { dir, origin, n }] of waiting) {
      let starting = this.zygotes.filter((w) => w.packKey === packKey && !this.readyZygotes.has(w)).length;
      while (starting < n) {
        if (this.zygotes.length >= this.concurrency) {
          // evict an idle zygote whose pack nobody is waiting for
          const victim = this.zygotes.find((w) => w.load === 0 && this.readyZygotes.has(w) && !waiting.has(w.packKey));
          if (!victim) break;
          this.retire(victim);
        }
        this.spawnZygote(rt, packKey, dir, origin);
        starting++;
      }
    }
  }

  /** The zygote to give a request of this pack to now, if any. */
  private freeZygote(packKey: string): Zygote | undefined {
    let w: Zygote | undefined;
    for (const x of this.zygotes) {
      if (x.packKey !== packKey || !this.readyZygotes.has(x) || x.load >= MAX_INFLIGHT) continue;
      if (!w || x.load < w.load) w = x;
    }
    // queue behind a busy zygote only when no zygote of this pack is idle and none can be started
    if (!w || (w.load > 0 && this.canStartFor(packKey))) return undefined;
    return w;
  }

  private spawnZygote(rt: Runtime, packKey: string, dir: string, origin: string | undefined): void {
    const w = new Zygote(rt, packKey, dir, "zygote", this.packLoadTimeoutMs, origin);
    w.onGone = () => {
      this.readyZygotes.delete(w);
      this.zygotes = this.zygotes.filter((x) => x !== w);
      void this.pump();
    };
    this.zygotes.push(w);
    w.ready.then(
      () => {
        if (w.dead) return;
        this.readyZygotes.add(w);
        void this.pump();
      },
      (err: Error) => {
        this.zygotes = this.zygotes.filter((x) => x !== w);
        // the pack itself is broken: everyone waiting for it gets the reason
        for (const [key, lane] of this.lanes) {
          const mine = lane.jobs.filter((j) => j.packKey === packKey);
          if (!mine.length) continue;
          lane.jobs = lane.jobs.filter((j) => j.packKey !== packKey);
          if (!lane.jobs.length) this.lanes.delete(key);
          for (const j of mine) j.reject(err);
        }
        void this.pump();
      },
    );
  }

  /** Whether a zygote for this pack could be started now instead of queueing behind a busy one. */
  private canStartFor(packKey: string): boolean {
    if (this.zygotes.some((w) => w.packKey === packKey && !this.readyZygotes.has(w) && !w.dead)) return false;
    if (this.zygotes.length < this.concurrency) return true;
    return false;
  }

  private dispatch(w: Zygote, job: Job): void {
    job.dispatched = true;
    job.task?.running.add(job);
    w.setRef(true);
    w.request(job.cmd, job.watchdogMs, job.timing)
      .then(job.resolve, (err: Error) => {
        // a zygote that crashed gets one retry on a fresh zygote, and so does a request that was only
        // queued behind one that hung; the request that hung is reported as a timeout, not retried
        if (err instanceof WorkerLostError && err.reason !== "unresponsive" && job.attempts === 0 && !this.closed) {
          job.attempts++;
          this.enqueue(job, true);
        } else {
          job.reject(err);
        }
      })
      .finally(() => {
        if (job.task) {
          job.task.running.delete(job);
          if (job.timing.startedAt !== undefined) job.task.usedMs += Date.now() - job.timing.startedAt;
        }
        job.timing.startedAt = undefined;
        w.lastUsed = Date.now();
        if (!w.dead && w.load === 0) w.setRef(false);
        void this.pump();
      });
  }

  private retire(w: Zygote): void {
    this.readyZygotes.delete(w);
    this.zygotes = this.zygotes.filter((x) => x !== w);
    void w.stop();
  }

  private sweep(): void {
    const now = Date.now();
    for (const w of [...this.zygotes]) {
      if (w.load === 0 && this.readyZygotes.has(w) && now - w.lastUsed > this.idleTimeoutMs) this.retire(w);
    }
    for (const w of [...this.alternates.values()])
      if (w.load === 0 && now - w.lastUsed > this.idleTimeoutMs) void w.stop();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    for (const lane of lanes) for (const j of lane.jobs) j.reject(new Error("sandbox is closed"));
    this.readyZygotes.clear();
    const alternates = [...this.alternates.values()];
    this.alternates.clear();
    await Promise.all([...this.zygotes.splice(0), ...alternates].map((w) => w.stop()));
  }
}

/** Where a task's requests go: its pack (as bound), and its fairness key. */
interface JobTarget {
  key: string;
  dir: string;
  origin?: string;
  fairnessKey: string;
  background?: boolean;
}

export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  if (opts.runtime && opts.runtime !== "bwrap" && opts.runtime !== "auto") {
    throw new SandboxUnavailableError(`unknown sandbox runtime ${String(opts.runtime)}`);
  }
  // Both mean bubblewrap: there is deliberately no unsandboxed fallback.
  return new ZygotePool(opts);
}

/**
 * Loads a pack inside the sandbox and describes it; throws PackLoadError with the pack's own
 * traceback when env.py does not load, TOOLS is not a mapping of callables, or load_state()
 * does not return JSON-like data.
 */
export async function inspectPack(
  pack: PackRef,
  opts: { python?: string; timeoutMs?: number; user?: SandboxOptions["user"] } = {},
): Promise<PackInfo> {
  const { key, dir } = resolvePack(pack);
  const rt = await resolveRuntime({ python: opts.python, user: opts.user });
  // a pack being registered is inspected once, usually from a private upload directory: a staged
  // copy of it is its own, and removed afterwards
  const bind = await packDirFor(rt, dir, `inspect-${randomBytes(12).toString("hex")}`);
  try {
    const w = new Zygote(rt, key, bind.dir, "inspect", opts.timeoutMs ?? 60_000, bind.staged ? dir : undefined);
    try {
      const info = await w.ready;
      return { tools: info.tools, toolSchemas: info.toolSchemas, stateBytes: info.stateBytes ?? 0 };
    } finally {
      await w.stop();
    }
  } finally {
    if (bind.staged) await unstage(bind.dir);
  }
}
