// Filter runs over sets of tasks.
import { z } from "zod";
import { taskSelectionSchema } from "../../review/task-selection";
import { id, moment, out } from "./common";

export const rerunInput = taskSelectionSchema;
export const rerunOutput = out({ rerunId: id, taskCount: z.number().int() });
export const rerunRef = z.strictObject({ rerunId: id });
export const progressOutput = out({
  id,
  scope: z.string(),
  taskCount: z.number().int(),
  createdAt: moment,
  cancelled: z.boolean(),
  runs: out({
    queued: z.number().int(),
    running: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
  }),
  verdicts: out({ accepted: z.number().int(), rejected: z.number().int(), byReason: z.record(z.string(), z.number()) }),
  cases: out({ pass: z.number().int(), fail: z.number().int(), error: z.number().int(), timeout: z.number().int() }),
  finished: z.boolean(),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  seconds: z.number(),
});
export const cancelOutput = out({ cancelled: z.number().int() });
