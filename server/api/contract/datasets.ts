// Datasets: working sets, publishing (with the exclusion report), versions, exports.
import { z } from "zod";
import { EXPORT_FORMATS } from "../../datasets/export-dataset";
import { taskSelectionSchema } from "../../review/task-selection";
import { API_LIMITS } from "../limits";
import { id, moment, nullableMoment, out } from "./common";

export const datasetName = z.string().min(1).max(API_LIMITS.nameChars);
export const datasetRef = z.strictObject({ dataset: datasetName });

export const datasetsOutput = z.array(
  out({
    id,
    name: z.string(),
    description: z.string().nullable(),
    createdAt: moment,
    taskCount: z.number().int().describe("tasks in the working set"),
    versions: z.array(
      out({
        id,
        number: z.number().int(),
        name: z.string().nullable(),
        notes: z.string().nullable(),
        createdAt: moment,
        taskCount: z.number().int(),
      }),
    ),
  }),
);
export const createDatasetInput = z.strictObject({
  name: datasetName,
  description: z.string().max(API_LIMITS.descriptionChars).optional(),
});
export const createDatasetOutput = out({ id, name: z.string() });

export const workingSetChangeInput = z.strictObject({ dataset: datasetName, selection: taskSelectionSchema });
/** REST bodies name the selection directly: {taskIds} or {filter}. */
export const addOutput = out({
  added: z.number().int(),
  alreadyIn: z.number().int(),
  skippedNotApproved: z.number().int(),
});
export const removeOutput = out({ removed: z.number().int() });

const excluded = out({ id: z.string().describe("the task's external id"), reason: z.string(), message: z.string() });
export const publishPlan = out({
  dataset: z.string(),
  included: z.number().int(),
  excluded: z.array(excluded).describe("working-set tasks left out, and why (at most 1,000 listed)"),
  excludedCount: z.number().int(),
  changes: out({
    previous: z.number().int().nullable(),
    added: z.number().int(),
    removed: z.number().int(),
    changed: z.number().int(),
  }),
  unchanged: z.boolean(),
});
export const publishInput = z.strictObject({
  dataset: datasetName,
  name: z.string().max(API_LIMITS.nameChars).optional(),
  notes: z.string().max(API_LIMITS.notesChars).optional(),
  allowEmptyChange: z.boolean().optional().describe("make a version even when nothing changed since the latest"),
});
export const publishOutput = publishPlan.extend({
  version: z.number().int().nullable().describe("null: nothing changed, no version made"),
  tasks: z.number().int(),
  createdAt: nullableMoment,
});

export const exportInput = z.strictObject({
  dataset: datasetName,
  version: z.number().int().positive().optional().describe("default: the latest"),
  format: z.enum(EXPORT_FORMATS),
});
export const exportOutput = out({
  exportId: id,
  dataset: z.string(),
  version: z.number().int(),
  format: z.enum(EXPORT_FORMATS),
  total: z.number().int(),
});
export const exportRef = z.strictObject({ exportId: id });
export const exportStatusOutput = out({
  id,
  format: z.string(),
  status: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  bytes: z.number().nullable(),
  error: z.string().nullable(),
  dataset: z.string(),
  versionNumber: z.number().int(),
  ready: z.boolean().describe("then GET /api/exports/{exportId}/download"),
  fileName: z.string().nullable(),
});
export const diffInput = z.strictObject({
  dataset: datasetName,
  from: z.number().int().positive(),
  to: z.number().int().positive(),
});
export const diffOutput = out({
  added: z.array(out({ externalId: z.string(), revisionId: id })),
  removed: z.array(out({ externalId: z.string(), revisionId: id })),
  changed: z.array(out({ externalId: z.string(), from: id, to: id })),
});
