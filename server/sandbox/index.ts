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
 *   not there, so there is nothing to read; the root is remounted read-only, so there is nowhere to
 *   write but a small private /tmp, and case/verifier processes are additionally denied every
 *   file-writing syscall by seccomp (so no case leaves files for a later case to find). The pack is
 *   bound read-only: a case cannot rewrite the environment of the next task.
 * - **Read the server's secrets.** bwrap is spawned with an empty environment and --clearenv, and the
 *   harness clears os.environ as well: a verifier can't copy API keys out of the server's env
 *   (the published lesson of code-evaluator products).
 * - **Reach the network.** New network namespace (not even the host's loopback), and seccomp refuses
 *   every socket family but AF_UNIX.
 * - **Start programs or linger.** Seccomp kills execve/execveat everywhere in the sandbox and refuses
 *   fork/vfork/clone-without-CLONE_THREAD in case and verifier processes, so a case is exactly one
 *   process (threads allowed) and dies whole when its process group is SIGKILLed. No capabilities,
 *   no nested user namespaces, no ptrace, no signals to other processes, no /proc to find them.
 * - **Affect another case.** Each case is a fresh fork of a zygote that loaded the pack once: its
 *   memory (state, modules, builtins, globals) is a copy-on-write copy of pristine memory, thrown
 *   away afterwards. It cannot write files (above), and the zygote only ever runs pack code, never
 *   task code.
 * - **Forge its verdict.** The verifier runs in a *different* process, forked from the pristine
 *   zygote only after the case's process group is dead. All the case can hand it is its final state
 *   and messages, as data: a diff against the pristine state encoded as (tagged) JSON — never
 *   pickle or marshal, whose loaders hostile bytes could subvert. Results travel on a dedicated pipe
 *   (fd 3 in each child) read by the zygote, never on stdout, so printing a fake result line only
 *   prints a line. The zygote's own channel to the host (fds 0 and 3) is closed in every child.
 *   What a case reports about itself (tool calls, messages shown, its exception) is informative and
 *   could be forged by the case; the outcome comes only from the verifier process.
 * - **Exhaust the worker.** Per-phase wall-clock deadlines enforced by the zygote (SIGKILL of the
 *   process group), RLIMIT_CPU as a backstop, RLIMIT_AS for memory, bounded stdout/stderr capture
 *   (the rest is counted and dropped) and a bounded result channel. The host also keeps its own
 *   watchdog per request and kills a zygote that stops answering; crashed zygotes are replaced.
 *   bwrap --die-with-parent plus the pid namespace ensure nothing survives the server.
 *
 * ## Not covered
 * - A hostile *pack* is the environment: its env.py runs in the zygote (under the same namespaces and
 *   the base seccomp filter) and can of course make its own tools lie. Verdicts are only as good as the
 *   pack; the pack hash recorded with every verdict says which one produced it.
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
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveRuntime, SandboxUnavailableError, type Runtime } from "./runtime";
import {
  DEFAULT_LIMITS,
  type CaseError,
  type CaseOutcome,
  type CaseResult,
  type CaseRole,
  type PackInfo,
  type PackRef,
  type Sandbox,
  type SandboxLimits,
  type SandboxOptions,
  type TaskCode,
  type TaskVerdict,
  type ToolCall,
} from "./types";
import { decideVerdict, hashTaskCode } from "./verdict";
import { PackLoadError, Worker, WorkerLostError } from "./worker";

export * from "./types";
export { hashTaskCode, decideVerdict } from "./verdict";
export { PackLoadError, WorkerLostError } from "./worker";
export { SandboxUnavailableError } from "./runtime";

const WATCHDOG_SLACK_MS = 5_000;
/** Requests queued at one zygote: the one it runs and the next, so it never waits for the host. */
const MAX_INFLIGHT = 2;

type Reply = Record<string, unknown>;

interface Job {
  packKey: string;
  packDir: string;
  cmd: Record<string, unknown>;
  watchdogMs: number;
  attempts: number;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

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
  check("outputBytes", 0, 16 << 20);
  return l;
}

// --- replies from the sandbox are re-validated: the zygote runs pack code ---------------------

const str = (v: unknown, max = 1 << 20): string => (typeof v === "string" ? v : v == null ? "" : String(v)).slice(0, max);

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
    return { result, verifierLoad: { ok: false, error: toCaseError(r.verifierError, "verifier") ?? result.verifyError } };
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
  const caseError = toCaseError(r.caseError, "case");
  if (caseError) result.caseError = caseError;
  const verifyError = toCaseError(r.verifyError, "verifier");
  if (verifyError) result.verifyError = verifyError;
  return result;
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
  private workers: Worker[] = [];
  private readyWorkers = new Set<Worker>();
  private queue: Job[] = [];
  private closed = false;
  private sweeper: NodeJS.Timeout;
  private readonly concurrency: number;
  private readonly idleTimeoutMs: number;
  private readonly packLoadTimeoutMs: number;
  private readonly slackMs: number;
  private readonly runtime: Promise<Runtime>;

  constructor(opts: SandboxOptions) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? os.availableParallelism()));
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5 * 60_000;
    this.packLoadTimeoutMs = opts.packLoadTimeoutMs ?? 60_000;
    this.slackMs = opts.watchdogSlackMs ?? WATCHDOG_SLACK_MS;
    this.runtime = resolveRuntime({ python: opts.python });
    this.runtime.catch(() => {});
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.idleTimeoutMs, 30_000));
    this.sweeper.unref();
  }

  async runTask(pack: PackRef, code: TaskCode, limits?: Partial<SandboxLimits>): Promise<TaskVerdict> {
    if (this.closed) throw new Error("sandbox is closed");
    if (!code || typeof code.verifier !== "string" || typeof code.solution !== "string" || !Array.isArray(code.failureCases)) {
      throw new TypeError("code must have verifier, solution (strings) and failureCases (string[])");
    }
    if (code.failureCases.some((c) => typeof c !== "string")) throw new TypeError("failureCases must be strings");
    const { key, dir } = resolvePack(pack);
    const l = normalizeLimits(limits);
    await this.runtime;

    const caseWatchdog = 2 * l.timeoutMs + this.slackMs;
    const specs: Array<[CaseRole, number, string]> = [
      ["solution", 0, code.solution],
      ...code.failureCases.map((src, i): [CaseRole, number, string] => ["failure", i, src]),
    ];
    const runs = await Promise.all(
      specs.map(([role, index, source]) =>
        this.submit(key, dir, { op: "case", role, index, source, verifier: code.verifier, limits: l }, caseWatchdog)
          .then((r) => toCaseRun(r, role, index))
          .catch((e: Error) => {
            if (e instanceof PackLoadError) throw e;
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
      : await this.checkVerifier(key, dir, code.verifier, l);
    const caseResults = runs.map((r) => r.result);
    const { status, reason } = decideVerdict(verifier.ok, caseResults);
    const verdict: TaskVerdict = { status, reason, cases: caseResults, packHash: pack.hash, codeHash: hashTaskCode(code) };
    if (!verifier.ok && verifier.error) verdict.verifierError = verifier.error;
    return verdict;
  }

  private checkVerifier(
    key: string,
    dir: string,
    verifier: string,
    l: SandboxLimits,
  ): Promise<{ ok: boolean; error?: CaseError }> {
    return this.submit(key, dir, { op: "check_verifier", verifier, limits: l }, l.timeoutMs + this.slackMs)
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

  private submit(packKey: string, packDir: string, cmd: Record<string, unknown>, watchdogMs: number): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (this.closed) {
        reject(new Error("sandbox is closed"));
        return;
      }
      this.queue.push({ packKey, packDir, cmd, watchdogMs, attempts: 0, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.closed) return;
    const rt = await this.runtime;
    this.workers = this.workers.filter((w) => !w.dead);
    // 1. hand queued jobs to idle zygotes of the same pack
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!;
      let w: Worker | undefined;
      for (const x of this.workers) {
        if (x.packKey !== job.packKey || !this.readyWorkers.has(x) || x.load >= MAX_INFLIGHT) continue;
        if (!w || x.load < w.load) w = x;
      }
      // queue behind a busy zygote only when no zygote of this pack is idle and none can be started
      if (!w || (w.load > 0 && this.canStartFor(job.packKey))) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.dispatch(w, job);
    }
    // 2. start zygotes for packs whose queued jobs outnumber their starting zygotes
    const waiting = new Map<string, { dir: string; n: number }>();
    for (const j of this.queue) {
      const e = waiting.get(j.packKey);
      if (e) e.n++;
      else waiting.set(j.packKey, { dir: j.packDir, n: 1 });
    }
    for (const [packKey, { dir, n }] of waiting) {
      let starting = this.workers.filter((w) => w.packKey === packKey && !this.readyWorkers.has(w)).length;
      while (starting < n) {
        if (this.workers.length >= this.concurrency) {
          // evict an idle zygote whose pack nobody is waiting for
          const victim = this.workers.find((w) => w.load === 0 && this.readyWorkers.has(w) && !waiting.has(w.packKey));
          if (!victim) break;
          this.retire(victim);
        }
        this.spawnWorker(rt, packKey, dir);
        starting++;
      }
    }
  }

  private spawnWorker(rt: Runtime, packKey: string, dir: string): void {
    const w = new Worker(rt, packKey, dir, "zygote", this.packLoadTimeoutMs);
    w.onGone = () => {
      this.readyWorkers.delete(w);
      this.workers = this.workers.filter((x) => x !== w);
      void this.pump();
    };
    this.workers.push(w);
    w.ready.then(
      () => {
        if (w.dead) return;
        this.readyWorkers.add(w);
        void this.pump();
      },
      (err: Error) => {
        this.workers = this.workers.filter((x) => x !== w);
        // the pack itself is broken: everyone waiting for it gets the reason
        const mine = this.queue.filter((j) => j.packKey === packKey);
        this.queue = this.queue.filter((j) => j.packKey !== packKey);
        for (const j of mine) j.reject(err);
        void this.pump();
      },
    );
  }

  /** Whether a zygote for this pack could be started now instead of queueing behind a busy one. */
  private canStartFor(packKey: string): boolean {
    if (this.workers.some((w) => w.packKey === packKey && !this.readyWorkers.has(w) && !w.dead)) return false;
    if (this.workers.length < this.concurrency) return true;
    return false;
  }

  private dispatch(w: Worker, job: Job): void {
    w.setRef(true);
    w.request(job.cmd, job.watchdogMs)
      .then(job.resolve, (err: Error) => {
        // a zygote that crashed gets one retry on a fresh zygote, and so does a request that was only
        // queued behind one that hung; the request that hung is reported as a timeout, not retried
        if (err instanceof WorkerLostError && err.reason !== "unresponsive" && job.attempts === 0 && !this.closed) {
          job.attempts++;
          this.queue.unshift(job);
        } else {
          job.reject(err);
        }
      })
      .finally(() => {
        w.lastUsed = Date.now();
        if (!w.dead && w.load === 0) w.setRef(false);
        void this.pump();
      });
  }

  private retire(w: Worker): void {
    this.readyWorkers.delete(w);
    this.workers = this.workers.filter((x) => x !== w);
    void w.stop();
  }

  private sweep(): void {
    const now = Date.now();
    for (const w of [...this.workers]) {
      if (w.load === 0 && this.readyWorkers.has(w) && now - w.lastUsed > this.idleTimeoutMs) this.retire(w);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const j of this.queue.splice(0)) j.reject(new Error("sandbox is closed"));
    this.readyWorkers.clear();
    await Promise.all(this.workers.splice(0).map((w) => w.stop()));
  }
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
export async function inspectPack(pack: PackRef, opts: { python?: string; timeoutMs?: number } = {}): Promise<PackInfo> {
  const { key, dir } = resolvePack(pack);
  const rt = await resolveRuntime({ python: opts.python });
  const w = new Worker(rt, key, dir, "inspect", opts.timeoutMs ?? 60_000);
  try {
    const info = await w.ready;
    return { tools: info.tools, toolSchemas: info.toolSchemas, stateBytes: info.stateBytes ?? 0 };
  } finally {
    await w.stop();
  }
}
