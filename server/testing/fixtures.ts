// Test data made through the services, so a test cannot drift from the rules it tests: packs are
// registered through the sandbox, verdicts come from real filter runs, reviews from review decisions.
import { Readable } from "node:stream";
import type { Actor, Role } from "../auth/roles";
import { createApiToken } from "../auth/tokens";
import { createUser } from "../auth/users";
import type { Db } from "../db/client";
import { getRerunProgress, type RerunProgress } from "../filter/rerun-progress";
import { requestRerun, type RequestRerunOptions } from "../filter/request-rerun";
import { startWorker } from "../jobs/worker";
import { registerPack } from "../packs/register-pack";
import { BASIC } from "../sandbox/test-helpers";
import type { Sandbox } from "../sandbox";
import { importTasks } from "../tasks/import-tasks";

/** Registers the sandbox's small fixture pack (a counter, a few items) as environment `name`. */
export async function registerFixturePack(db: Db, name: string) {
  return registerPack({ db, dir: BASIC.dir, name });
}

/** A CaT task that the filter accepts on any pack: answer '4', two failure cases that fail. */
export const acceptedTask = (id: string, environment: string, extra: Record<string, unknown> = {}) => ({
  id,
  environment,
  instruction: `Answer 4 (${id}).`,
  verifier: "def verify(state, answer):\n    return answer == '4'\n",
  solution: "respond('4')",
  failure_cases: ["respond('5')", "pass"],
  ...extra,
});

/** The same shape, rejected by the filter: a failure case that passes. */
export const lenientTask = (id: string, environment: string) =>
  acceptedTask(id, environment, { failure_cases: ["respond('4')"] });

export async function importLines(db: Db, batchName: string, tasks: unknown[]) {
  return importTasks({ db, source: Readable.from([tasks.map((t) => JSON.stringify(t)).join("\n")]), batchName });
}

/** Runs the CaT filter over a selection with a real worker in this process, and waits for it. */
export async function runFilterNow(
  db: Db,
  selection: Omit<RequestRerunOptions, "db">,
  opts: { sandbox?: Sandbox } = {},
): Promise<RerunProgress> {
  const { rerunId } = await requestRerun({ db, ...selection });
  const worker = await startWorker({ db, sandbox: opts.sandbox, concurrency: 2, log: () => undefined });
  try {
    const until = Date.now() + 120_000;
    for (;;) {
      const p = await getRerunProgress({ db, rerunId });
      if (p.finished) return p;
      if (Date.now() > until) throw new Error(`rerun ${rerunId} did not finish: ${JSON.stringify(p.runs)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await worker.stop();
  }
}

let userSeq = 0;
/** A signed-up user with this role (no password: tests act through callers, tokens or setup). */
export async function testUser(
  db: Db,
  role: Role,
  email = `${role}-${process.pid}-${++userSeq}@test.example`,
): Promise<Actor> {
  const u = await createUser({ db, email, role });
  return { id: u.id, email: u.email!, name: u.name, role, via: "session" };
}

/** A new user with this role and an API token for them: `headers` authorizes a request as them. */
export async function tokenFor(db: Db, role: Role) {
  const actor = await testUser(db, role);
  const { token, id } = await createApiToken({ db, userId: actor.id, name: `test ${role}`, createdById: actor.id });
  return { actor, token, tokenId: id, headers: { authorization: `Bearer ${token}` } };
}
