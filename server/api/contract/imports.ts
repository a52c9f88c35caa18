// Imports (uploads) and the batches they append to.
import { z } from "zod";
import { id, moment, nullableMoment, out } from "./common";

const importSummary = out({
  id,
  batchName: z.string(),
  fileName: z.string().nullable(),
  format: z.string(),
  status: z.string(),
  linesRead: z.number().int(),
  createdCount: z.number().int(),
  revisedCount: z.number().int(),
  unchangedCount: z.number().int(),
  errorCount: z.number().int(),
  failure: z.string().nullable(),
  createdAt: moment,
  finishedAt: nullableMoment,
});
export const importsOutput = z.array(importSummary);
export const importRef = z.strictObject({ id });
export const importOutput = importSummary.extend({
  errors: z.array(out({ line: z.number().int(), message: z.string() })),
});
export const batchesOutput = z.array(
  out({ id, name: z.string(), createdAt: moment, tasks: z.number().int(), imports: z.number().int() }),
);
