// "Try": runs an edited task in the sandbox without saving it, and says case by case what flips
// against the verdict of the current revision.
import os from "node:os";
import { taskContentSchema, type TaskContent } from "@/lib/cat";
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { AppError } from "../errors";
import { runTaskOnPack } from "../packs/materialize-pack";
import { createSandbox, type Sandbox } from "../sandbox";

const g = globalThis as unknown as { catTrySandbox?: Sandbox; catTriesInFlight?: Set<string> };
/**
 * Tries have a sandbox pool of their own in the web process (the queue's workers have theirs), so a
 * Try never waits behind a rerun; within it, each user's tries share one fair turn, so one user's
 * slow tries cannot hold another's.
 */
function trySandbox(): Sandbox {
  g.catTrySandbox ??= createSandbox({
    concurrency: Math.max(1, Math.floor(os.availableParallelism() / 2)),
    python: serverEnv().python,
  });
  return g.catTrySandbox;
}
/** A Try runs at most the whole task's budget of one minute: it is interactive, a rerun is not. */
const TRY_BUDGET_MS = 60_000;

interface CaseFlip {
  role: "solution" | "failure";
  index: number;
  expected: "pass" | "fail";
  before: string | null;
  after: string;
  flipped: boolean;
  error: string | null;
}

export async function tryTaskEdit({
  db,
  taskId,
  content,
  userId,
  sandbox = trySandbox(),
}: {
  db: Db;
  taskId: number;
  content: TaskContent;
  userId: number;
  sandbox?: Sandbox;
}) {
  const parsed = taskContentSchema.safeParse(content);
  if (!parsed.success) throw new AppError("BAD_INPUT", parsed.error.issues.map((i) => i.message).join(" "));
  const c = parsed.data;
  const task = await db.prisma.task.findUnique({
    where: { id: taskId },
    select: {
      verdictStatus: true,
      verdictReason: true,
      environment: {
        select: { activePack: { select: { id: true, hash: true, caseTimeoutMs: true, memoryMb: true } } },
      },
      verdictRun: { select: { revisionId: true, cases: { select: { role: true, index: true, outcome: true } } } },
      currentRevisionId: true,
    },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const pack = task.environment.activePack;
  if (!pack)
    throw new AppError("BAD_INPUT", "The task's environment has no registered pack: nothing to run it against.");
  // One Try at a time per user: a second one while the first runs would only queue behind it.
  const who = `user:${userId}`;
  g.catTriesInFlight ??= new Set();
  const inFlight = g.catTriesInFlight;
  if (inFlight.has(who))
    throw new AppError("CONFLICT", "Your previous Try is still running: wait for it to finish, then try again.");
  inFlight.add(who);
  let verdict: Awaited<ReturnType<typeof runTaskOnPack>>;
  try {
    verdict = await runTaskOnPack({
      db,
      sandbox,
      pack,
      code: { verifier: c.verifier, solution: c.solution, failureCases: c.failureCases },
      options: { fairnessKey: who, budgetMs: TRY_BUDGET_MS },
    });
  } finally {
    inFlight.delete(who);
  }
  // "Before" is the verdict of the current revision, when it has been run.
  const beforeRun = task.verdictRun && task.verdictRun.revisionId === task.currentRevisionId ? task.verdictRun : null;
  const before = new Map(beforeRun?.cases.map((x) => [`${x.role}:${x.index}`, x.outcome]) ?? []);
  const flips: CaseFlip[] = verdict.cases.map((x) => {
    const prev = before.get(`${x.role}:${x.index}`) ?? null;
    const err = x.verifyError ?? x.caseError;
    return {
      role: x.role,
      index: x.index,
      expected: x.role === "solution" ? "pass" : "fail",
      before: prev,
      after: x.outcome,
      flipped: prev !== null && prev !== x.outcome,
      error: err ? `${err.type}: ${err.message}${err.line ? ` (line ${err.line})` : ""}` : null,
    };
  });
  return {
    before: beforeRun ? { status: task.verdictStatus, reason: task.verdictReason } : null,
    after: { status: verdict.status, reason: verdict.reason },
    verifierError: verdict.verifierError ?? null,
    cases: verdict.cases,
    flips,
    packHash: pack.hash,
  };
}
