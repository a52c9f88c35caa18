// What every page's banner needs to know about this installation: whether this machine can run the
// sandbox (and if not, exactly what to install), and whether filter runs are waiting with nobody to
// run them.
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { checkSandbox } from "../sandbox/availability";

let cached: { at: number; problem: string | null } | undefined;
const RECHECK_MS = 15_000;

/** This machine's sandbox problem (null when it works), re-checked at most every 15 s while it fails. */
export async function sandboxProblem(): Promise<string | null> {
  if (cached && (cached.problem === null || Date.now() - cached.at < RECHECK_MS)) return cached.problem;
  cached = { at: Date.now(), problem: await checkSandbox({ python: serverEnv().python }) };
  return cached.problem;
}

export async function getSystemStatus({ db }: { db: Db }) {
  const [problem, queued] = await Promise.all([
    sandboxProblem(),
    db.prisma.filterRun.count({ where: { status: "queued" } }),
  ]);
  return {
    sandbox: problem === null ? { ok: true as const } : { ok: false as const, problem, install: installHint(problem) },
    queuedRuns: queued,
    inProcessWorker: serverEnv().inProcessWorker,
  };
}

/** The command that fixes the problem, when we can tell. */
function installHint(problem: string): string | null {
  if (/bubblewrap|bwrap/i.test(problem)) return "sudo apt-get install -y bubblewrap";
  if (/python3|interpreter/i.test(problem)) return "sudo apt-get install -y python3";
  return null;
}
