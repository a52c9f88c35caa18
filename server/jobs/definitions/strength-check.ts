// A strength check: variants of an accepted revision's solution in the sandbox, as background work
// (server/strength/run-strength-check.ts). One at a time per worker, and claimed only while no filter
// run is queued or running (queue.ts), so reviews are never slowed by it.
import { runStrengthJob } from "../../strength/run-strength-check";
import type { JobDefinition } from "../worker";

export const strengthCheckJob: JobDefinition = {
  name: "strength-check",
  table: "strength_checks",
  maxAttempts: 2,
  slots: () => 1,
  needsSandbox: true,
  handle: ({ db, id, workerId, attempts, maxAttempts, sandbox }) =>
    runStrengthJob({ db, sandbox, checkId: id, workerId, lastAttempt: attempts >= maxAttempts }),
};
