// The verdict's vocabulary is lib/cat.ts's (held to the database's enums by lib/cat.unit.test.ts).
import type { CaseOutcome, RejectReason, VerdictStatus } from "@/lib/cat";
import type { StrengthCode, StrengthOptions, StrengthReport } from "./strength";

export type { CaseOutcome, RejectReason };
export type CaseRole = "solution" | "failure";

export interface SandboxLimits {
  /** Wall time for each phase of a case: running the case, then running verify (each gets this much). */
  timeoutMs: number;
  /** Address-space limit of each case/verifier process (includes the pack state it shares with the zygote). */
  memoryBytes: number;
  /** Bytes kept per stream (stdout, stderr) of each phase, at most 1 MiB; the rest is counted and dropped. */
  outputBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 10_000,
  memoryBytes: 1 << 30,
  outputBytes: 64 << 10,
};

export interface TaskCode {
  verifier: string;
  solution: string;
  failureCases: string[];
}

export interface ToolCall {
  name: string;
  /**
   * The arguments: keyword arguments as an object; when there are positional ones, a list of them
   * with the keyword arguments (if any) as an object at its end.
   */
  args: unknown;
  /** With positional arguments, the call as Python reads it: `maximum_value(1, 5, 2)`. */
  call?: string;
  result?: string;
  error?: string;
}

export interface CaseError {
  type: string;
  message: string;
  /** Frames point into the user's own source: "<verifier>", "<solution>", "<failure_case_2>", pack files. */
  traceback: string;
  line?: number;
  source: "case" | "verifier";
}

export interface CaseResult {
  role: CaseRole;
  index: number;
  outcome: CaseOutcome;
  returnRepr?: string;
  /** The case raised (the run went on to verify with the state it reached). */
  caseError?: CaseError;
  verifyError?: CaseError;
  stdout: string;
  stderr: string;
  /** Reported by the case process itself: informative, not trusted for the outcome. */
  toolCalls: ToolCall[];
  messages: string[];
  durationMs: number;
  /** Where the case's time went in the sandbox, in ms (for profiles; the children report part of it themselves). */
  timing?: CaseTiming;
  /** What the case changed against the pristine state (absent when the verifier process never got the state). */
  stateDiff?: StateDiff;
}

/**
 * One change of a case's final state against the pristine state. Values are canonical JSON
 * (keys sorted), cut at 200 characters; `before` is absent for an added key, `after` for a removed one.
 */
export interface StateChange {
  path: Array<string | number>;
  op: "changed" | "added" | "removed";
  before?: string;
  after?: string;
}

/** What a case changed: at most 50 changes and about 16 KB of them, then how many more there were. */
export interface StateDiff {
  entries: StateChange[];
  more: number;
}

export interface CaseTiming {
  /** The zygote forking the case and the verifier processes. */
  fork: number;
  /** Compiling and running the case. */
  case: number;
  /** Finding what the case changed, and rebuilding that state in the verifier process. */
  handover: number;
  /** Loading the verifier and calling verify. */
  verify: number;
}

export interface TaskVerdict {
  status: Exclude<VerdictStatus, "pending">;
  reason: RejectReason | null;
  verifierError?: CaseError;
  cases: CaseResult[];
  packHash: string;
  codeHash: string;
}

export interface PackRef {
  dir: string;
  hash: string;
}

export interface PackInfo {
  tools: string[];
  toolSchemas: unknown[] | null;
  stateBytes: number;
}

/** How one runTask call shares the sandbox with the others. */
export interface RunOptions {
  /**
   * Queued cases are handed to zygotes round robin across fairness keys, so a task with many slow
   * cases cannot keep a later one waiting for all of them. Calls with the same key (one user's
   * tries, say) share one turn; by default every call is its own key.
   */
  fairnessKey?: string;
  /**
   * Queued after every other caller's cases: a zygote takes a background case only when no other
   * case is waiting (strength checks, so that filter runs and tries are never slowed by them).
   */
  background?: boolean;
  /**
   * How long this task's cases may keep zygotes busy in all (default: one timeoutMs per case, at
   * most 120 s; at most 10 min). Cases not yet started when it is used up are not run: they come
   * back as `timeout`, "not run: the task's time budget of N s was used up". Started cases finish
   * under their own deadlines. Time spent waiting for a zygote does not count.
   */
  budgetMs?: number;
}

export interface Sandbox {
  runTask(pack: PackRef, code: TaskCode, limits?: Partial<SandboxLimits>, options?: RunOptions): Promise<TaskVerdict>;
  /**
   * How strong the task's verifier is: variants of the solution it should reject, what it reads, a
   * rerun (strength.ts). Optional so that test doubles of the filter need not implement it.
   */
  checkStrength?(
    pack: PackRef,
    code: StrengthCode,
    limits?: Partial<SandboxLimits>,
    options?: StrengthOptions,
  ): Promise<StrengthReport>;
  close(): Promise<void>;
}

export interface SandboxOptions {
  runtime?: "bwrap" | "auto";
  /** Zygote processes (each runs one case at a time). Default: number of cores. */
  concurrency?: number;
  /** Interpreter to run (default /usr/bin/python3). */
  python?: string;
  /** Idle zygotes are stopped after this long (default 5 minutes). */
  idleTimeoutMs?: number;
  /** How long env.py + load_state() may take (default 60 s). */
  packLoadTimeoutMs?: number;
  /**
   * The host gives a zygote this long beyond a request's own deadlines before it declares it hung
   * and kills it (default 5 s).
   */
  watchdogSlackMs?: number;
  /**
   * Host uid/gid to start bubblewrap as. Default: 65534/65534 when the server runs as root (the
   * kernel does not apply RLIMIT_NPROC to host root, so a sandbox running as root could start
   * threads without limit), else the server's own; null: always the server's own.
   */
  user?: { uid: number; gid: number } | null;
}
