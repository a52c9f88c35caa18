// Review decisions, labels, comments, history.
import { z } from "zod";
import { REVIEW_STATUSES } from "@/lib/cat";
import { taskSelectionSchema } from "../../review/task-selection";
import { API_LIMITS } from "../limits";
import { id, moment, out } from "./common";

const REVIEW_DECISIONS = ["approve", "reject", "needs_edit"] as const;

/** One reviewer's decision on one task's current revision; `reason` overrides a verdict the filter did not accept. */
export const decideInput = z.strictObject({
  taskId: id,
  decision: z.enum(REVIEW_DECISIONS),
  reason: z
    .string()
    .trim()
    .min(1)
    .max(API_LIMITS.overrideReasonChars)
    .optional()
    .describe("the override reason: approving a task the filter did not accept on its current revision needs one"),
  adjudicate: z
    .boolean()
    .optional()
    .describe("a curator settles a disagreement: this decision stands for the review policy"),
});
export const decideOutput = out({
  taskId: id,
  externalId: z.string(),
  environment: z.string(),
  status: z.enum(REVIEW_STATUSES),
  revision: z.number().int(),
  override: out({ reason: z.string() }).nullable(),
  changed: z.boolean(),
});

export const setStatusInput = z.strictObject({
  selection: taskSelectionSchema,
  status: z.enum(REVIEW_STATUSES),
  override: z.strictObject({ reason: z.string().min(1).max(API_LIMITS.overrideReasonChars) }).optional(),
});
export const setStatusOutput = out({
  matched: z.number().int(),
  changed: z.number().int(),
  refused: out({
    count: z.number().int(),
    tasks: z.array(
      out({ id, externalId: z.string(), revision: z.number().int(), block: z.string(), message: z.string() }),
    ),
  }),
});

export const label = out({ id, name: z.string(), description: z.string().nullable(), color: z.string().nullable() });
export const labelsOutput = z.array(label.extend({ taskCount: z.number().int() }));
export const createLabelInput = z.strictObject({
  name: z.string().max(API_LIMITS.labelNameChars),
  description: z.string().max(API_LIMITS.labelDescriptionChars).optional(),
  color: z.string().max(20).optional(),
});
export const labelRef = z.strictObject({ labelId: id });
export const setLabelInput = z
  .strictObject({
    selection: taskSelectionSchema,
    labelId: id.optional(),
    label: z.string().max(API_LIMITS.labelNameChars).optional().describe("the label's name, instead of labelId"),
    on: z.boolean().default(true),
  })
  .refine((v) => (v.labelId === undefined) !== (v.label === undefined), {
    message: "give either labelId or label (its name)",
  });
export const countOutput = out({ matched: z.number().int(), changed: z.number().int() });

export const commentInput = z.strictObject({ taskId: id, body: z.string().max(API_LIMITS.commentChars) });
export const commentOutput = out({ id, createdAt: moment });

export const historyOutput = out({
  entries: z.array(out({ kind: z.string(), at: moment })),
  labels: z.array(out({ id, name: z.string() })),
  revisions: z.array(out({ id, number: z.number().int(), source: z.string() })),
});
