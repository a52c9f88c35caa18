// A filter run: one task revision's cases in the sandbox, against the pack chosen when it was
// requested (server/filter/run-filter.ts).
import { runFilterJob } from "../../filter/run-filter";
import type { JobDefinition } from "../worker";

export const filterRunJob: JobDefinition = {
  name: "filter-run",
  table: "filter_runs",
  maxAttempts: 3,
  // One task per sandbox slot: a task's cases spread over the zygotes, several tasks keep them busy.
  slots: (concurrency) => concurrency,
  needsSandbox: true,
  handle: ({ db, id, workerId, sandbox }) => runFilterJob({ db, sandbox, runId: id, workerId }),
};
