/**
 * # Verifier strength
 *
 * The CaT filter accepts a task when its solution passes and its failure cases fail, so a verifier
 * is only tested against the failure cases the challenger happened to write. A strength check tests
 * it against more: variants of the solution that a correct verifier should reject.
 *
 * 1. The solution runs once more, traced (which call sites changed the state, what respond() said)
 *    and with its verify() given a state that records the paths it reads; the writes no read covers
 *    are the **unread writes**.
 * 2. A child of the zygote parses the solution (Python's `ast`, never running it) and makes the
 *    **variants** from the trace, the tool schemas and the pristine state (harness.py, plan_probes).
 * 3. Each variant runs as a case. One that passes while its final state (or, when the task is an
 *    answer, its messages) differs from the solution's **leaks**; one that reaches the same state and
 *    answer is equivalent and ignored.
 * 4. The solution runs again on another zygote (another hash seed), with another `random` seed and a
 *    clock shifted by hours: a different verdict, state or answer marks the task **flaky**.
 *
 * Everything runs in the sandbox as cases do, through the same pool, as background work behind
 * every other caller's cases. What the children report here is evidence about the task (a hostile
 * task can hide its own leniency); the verdicts of the filter do not depend on any of it.
 */
import type { CaseOutcome, CaseResult, SandboxLimits, StateChange, StateDiff } from "./types";

export interface StrengthCode {
  verifier: string;
  solution: string;
}

export interface StrengthOptions {
  /** Variants run at most (default 24). */
  cap?: number;
  fairnessKey?: string;
  /** How long the check's cases may keep zygotes busy in all (default 120 s). */
  budgetMs?: number;
  /** The solution passed the filter on this code: a run where it does not is a sign of flakiness. */
  expectPass?: boolean;
}

export const DEFAULT_PROBE_CAP = 24;

/** How a variant's final state differs from the solution's at one path (null: the key is absent). */
interface StateDelta {
  path: Array<string | number>;
  solution: string | null;
  variant: string | null;
}

interface ProbeResult {
  kind: string;
  label: string;
  /** The variant's code: what "add as failure case" adds. */
  code: string;
  outcome: CaseOutcome;
  /**
   * leak: verify passed it though its final state or answer differs from the solution's; caught:
   * verify rejected it; equivalent: same state and answer as the solution; unknown: it passed but
   * its state could not be compared (no leak is claimed).
   */
  verdict: "leak" | "caught" | "equivalent" | "unknown";
  /** For a leak: where its final state differs from the solution's (from both bounded diffs). */
  delta?: StateDelta[];
  /** Either diff was cut, so the delta may miss differences. */
  deltaTruncated?: boolean;
  messages?: string[];
  error?: string;
}

export interface StrengthReport {
  /** Variants run. */
  variants: number;
  leaks: number;
  flaky: boolean;
  /** Paths the solution changed that verify never read (dotted, `items[0]` for list items); null: not known. */
  unreadWrites: string[] | null;
  unreadWritesTotal: number;
  probes: ProbeResult[];
  solution: {
    outcome: CaseOutcome;
    stateDiff: StateDiff | null;
    messages: string[];
    /** False: the solution changes no state, so its answer is what the task is about. */
    stateChanged: boolean;
  };
  flakiness: {
    rerunOutcome: CaseOutcome | null;
    reasons: string[];
    /** Whether the rerun ran under another hash seed (null: not known). */
    hashSeedVaried: boolean | null;
  };
  notes: string[];
}

type Reply = Record<string, unknown>;

/** A case as the pool ran it: the checked result, and the reply's strength fields (checked here). */
export interface ProbeRun {
  result: CaseResult;
  raw: Reply;
}

/** What the pool does for a check (index.ts): cases and plans on its zygotes, a case on another. */
export interface StrengthIo {
  runCase(cmd: Reply): Promise<ProbeRun | null>;
  runCaseElsewhere(cmd: Reply): Promise<ProbeRun | null>;
  plan(cmd: Reply): Promise<Reply | null>;
}

/** `orders.#W1.items[0].price`: the dotted form exports and the UI use. */
function dottedPath(path: Array<string | number>): string {
  return path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${k}` : k), "");
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function hashes(raw: Reply) {
  return { state: str(raw.stateHash), messages: str(raw.messagesHash), seed: str(raw.hashSeed) };
}

function unreadOf(raw: Reply): { paths: string[]; total: number; complete: boolean } | null {
  const u = raw.unread as { paths?: unknown; total?: unknown; complete?: unknown } | undefined;
  if (!u || !Array.isArray(u.paths)) return null;
  const paths = u.paths
    .filter(
      (p): p is Array<string | number> =>
        Array.isArray(p) && p.every((k) => typeof k === "string" || typeof k === "number"),
    )
    .map(dottedPath);
  return { paths, total: typeof u.total === "number" ? u.total : paths.length, complete: u.complete === true };
}

/** Where two final states differ, from their diffs against the pristine state. */
function stateDelta(
  solution: StateDiff | undefined,
  variant: StateDiff | undefined,
): { delta: StateDelta[]; truncated: boolean } {
  const index = (d: StateDiff | undefined) => new Map((d?.entries ?? []).map((e) => [JSON.stringify(e.path), e]));
  const s = index(solution);
  const v = index(variant);
  const valueAt = (mine: StateChange | undefined, other: StateChange | undefined): string | null => {
    if (mine) return mine.op === "removed" ? null : (mine.after ?? null);
    // unchanged by this run: the pristine value, which the other run's diff shows as `before`
    return other?.before ?? null;
  };
  const delta: StateDelta[] = [];
  for (const key of new Set([...s.keys(), ...v.keys()])) {
    const a = s.get(key);
    const b = v.get(key);
    const sv = valueAt(a, b);
    const vv = valueAt(b, a);
    if (sv !== vv) delta.push({ path: (a ?? b)!.path, solution: sv, variant: vv });
  }
  return { delta, truncated: (solution?.more ?? 0) > 0 || (variant?.more ?? 0) > 0 };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

const errorText = (r: CaseResult) => {
  const e = r.verifyError ?? r.caseError;
  return e ? `${e.type}: ${e.message}`.slice(0, 500) : undefined;
};

/** The seed and clock shift of the rerun that looks for flakiness (27 h 17 min 29 s later). */
const RERUN = { seed: 7919, shift: 98_249 };

export async function runStrengthCheck(
  io: StrengthIo,
  code: StrengthCode,
  limits: SandboxLimits,
  options: StrengthOptions,
): Promise<StrengthReport> {
  const cap = Math.max(0, Math.min(Math.floor(options.cap ?? DEFAULT_PROBE_CAP), 100));
  const notes: string[] = [];
  const base = { op: "case", verifier: code.verifier, limits, fingerprint: true, perturb: { seed: 0 } };
  const solutionCase = (extra: Reply) => ({ ...base, role: "solution", index: 0, source: code.solution, ...extra });

  // 1. the solution, traced, with verify reading a recording state; and the rerun elsewhere
  const rerunning = io.runCaseElsewhere(solutionCase({ perturb: RERUN }));
  let sol = await io.runCase(solutionCase({ trace: true, track: true }));
  const trace = sol?.raw.trace ?? null;
  let unread = sol && sol.result.outcome === "pass" ? unreadOf(sol.raw) : null;
  if (sol && sol.result.outcome !== "pass") {
    // a verify that behaves differently on a recording state (type(state) is dict…) tells nothing
    // about what it reads; the plain run is the baseline then
    const plain = await io.runCase(solutionCase({}));
    if (plain?.result.outcome === "pass")
      notes.push("verify does not pass on a state that records its reads: unread writes are not known");
    sol = plain ?? sol;
    unread = null;
  }
  const rerun = await rerunning;
  const flakiness: StrengthReport["flakiness"] = {
    rerunOutcome: rerun?.result.outcome ?? null,
    reasons: [],
    hashSeedVaried: null,
  };
  const solHash = sol ? hashes(sol.raw) : null;
  const stateChanged =
    !!sol?.result.stateDiff && (sol.result.stateDiff.entries.length > 0 || sol.result.stateDiff.more > 0);
  const report = (probes: ProbeResult[]): StrengthReport => ({
    variants: probes.length,
    leaks: probes.filter((p) => p.verdict === "leak").length,
    flaky: flakiness.reasons.length > 0,
    unreadWrites: unread ? unread.paths : null,
    unreadWritesTotal: unread?.total ?? 0,
    probes,
    solution: {
      outcome: sol?.result.outcome ?? "error",
      stateDiff: sol?.result.stateDiff ?? null,
      messages: sol?.result.messages ?? [],
      stateChanged,
    },
    flakiness,
    notes,
  });
  if (sol?.result.outcome !== "pass") {
    if (options.expectPass)
      flakiness.reasons.push(
        `the solution passed its filter run but not now (${sol?.result.outcome ?? "not run"}${sol && errorText(sol.result) ? `: ${errorText(sol.result)}` : ""})`,
      );
    notes.push("the solution does not pass: there is nothing to compare variants with");
    return report([]);
  }
  if (rerun) {
    const r = hashes(rerun.raw);
    flakiness.hashSeedVaried = r.seed !== undefined && solHash!.seed !== undefined ? r.seed !== solHash!.seed : null;
    if (rerun.result.outcome !== sol.result.outcome) {
      flakiness.reasons.push(
        `verify said ${sol.result.outcome} and then ${rerun.result.outcome} with another random seed and clock${errorText(rerun.result) ? ` (${errorText(rerun.result)})` : ""}`,
      );
    }
    if (r.state && solHash!.state && r.state !== solHash!.state) {
      const first = stateDelta(sol.result.stateDiff, rerun.result.stateDiff).delta[0];
      flakiness.reasons.push(
        `the solution's final state differs between runs${first ? ` at ${dottedPath(first.path)}` : ""}`,
      );
    } else if (!stateChanged && r.messages && solHash!.messages && r.messages !== solHash!.messages) {
      flakiness.reasons.push("the solution's answer differs between runs");
    }
  } else {
    notes.push("the rerun with another seed and clock did not run");
  }
  if (unread && !unread.complete)
    notes.push("the solution changed too much to compare every change with what verify read");

  // 2. the variants, planned in the sandbox from the solution's AST
  const plan =
    cap > 0 ? await io.plan({ op: "probe_plan", solution: code.solution, trace, stateChanged, cap, limits }) : null;
  if (plan && typeof plan.note === "string") notes.push(plan.note);
  const variants = (Array.isArray(plan?.variants) ? plan.variants : []) as Array<{
    kind: string;
    label: string;
    source: string;
  }>;

  // 3. each variant as a case, two at a time (they queue behind every other caller's cases anyway)
  const probes = await mapLimit(variants.slice(0, cap), 2, async (v, i): Promise<ProbeResult> => {
    const run = await io.runCase({ ...base, role: "failure", index: i, source: v.source });
    const p: ProbeResult = {
      kind: v.kind,
      label: v.label,
      code: v.source,
      outcome: run?.result.outcome ?? "error",
      verdict: "caught",
    };
    if (!run) return { ...p, verdict: "unknown", error: "not run" };
    const err = errorText(run.result);
    if (err) p.error = err;
    if (run.result.outcome !== "pass") return p;
    const h = hashes(run.raw);
    if (!h.state || !solHash!.state || (!stateChanged && (!h.messages || !solHash!.messages)))
      return { ...p, verdict: "unknown" };
    const sameState = h.state === solHash!.state;
    const sameAnswer = stateChanged || h.messages === solHash!.messages;
    if (sameState && sameAnswer) return { ...p, verdict: "equivalent" };
    const { delta, truncated } = stateDelta(sol!.result.stateDiff, run.result.stateDiff);
    return {
      ...p,
      verdict: "leak",
      delta: delta.slice(0, 50),
      ...(truncated ? { deltaTruncated: true } : {}),
      ...(sameState ? { messages: run.result.messages.slice(0, 20) } : {}),
    };
  });
  // leaks first: that is what a reviewer acts on
  const rank = { leak: 0, unknown: 1, caught: 2, equivalent: 3 } as const;
  return report(
    probes
      .map((p, i) => [p, i] as const)
      .sort((a, b) => rank[a[0].verdict] - rank[b[0].verdict] || a[1] - b[1])
      .map(([p]) => p),
  );
}
