// A filter run: one task revision's cases in the sandbox, against the pack chosen when it was
// requested (server/filter/run-filter.ts).
import { loadFilterRuns, runFilterJob, type FilterRunToDo } from "../../filter/run-filter";
import type { JobDefinition } from "../worker";

export const filterRunJob: JobDefinition = {
  name: "filter-run",
  table: "filter_runs",
  maxAttempts: 3,
  // More runs than zygotes: a task's cases spread over the zygotes, and the cases of the runs
  // behind it are already queued when it ends, so a zygote never waits for the database.
  slots: (concurrency) => 2 * concurrency + 2,
  // Refill once a zygote's worth of runs has ended: one claim and one load for several runs.
  claimBatch: (concurrency) => Math.max(2, concurrency),
  load: (db, ids) => loadFilterRuns(db, ids),
  needsSandbox: true,
  handle: ({ db, id, workerId, attempts, maxAttempts, sandbox, payload, queueMs }) => {
    const run = payload as FilterRunToDo | undefined;
    if (run) run.queueMs = queueMs;
    return runFilterJob({ db, sandbox, runId: id, workerId, run, lastAttempt: attempts >= maxAttempts });
  },
};
