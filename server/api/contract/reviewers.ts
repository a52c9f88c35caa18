// Several reviewers per task: policies, assignments, queues, decisions, agreement, disagreements.
import { z } from "zod";
import { taskSelectionSchema } from "../../review/task-selection";
import { API_LIMITS } from "../limits";
import { datasetName } from "./datasets";
import { id, moment, out } from "./common";

const batchName = z.string().min(1).max(API_LIMITS.nameChars);
/** A dataset's working set or a batch (or, where allowed, every task). */
export const scopeInput = z.strictObject({ dataset: datasetName.optional(), batch: batchName.optional() });

export const policy = out({
  id,
  dataset: z.string().nullable(),
  batch: z.string().nullable(),
  approvals: z.number().int(),
  noRejection: z.boolean(),
  blind: z.boolean(),
  reviewersPerTask: z.number().int(),
  updatedBy: z.string(),
  updatedAt: moment,
});
export const policiesOutput = z.array(policy);
export const setPolicyInput = z.strictObject({
  dataset: datasetName.optional(),
  batch: batchName.optional(),
  approvals: z
    .number()
    .int()
    .min(1)
    .max(API_LIMITS.reviewersPerTask)
    .describe("distinct reviewers' approvals of the current revision"),
  noRejection: z
    .boolean()
    .default(true)
    .describe("any reject or needs_edit keeps the task out until a curator adjudicates"),
  blind: z.boolean().default(false).describe("reviewers see others' decisions only after their own"),
  reviewersPerTask: z
    .number()
    .int()
    .min(1)
    .max(API_LIMITS.reviewersPerTask)
    .optional()
    .describe("for round-robin assignment (default: approvals)"),
});

export const reviewersOutput = z.array(
  out({ id, email: z.string().nullable(), name: z.string(), role: z.string().nullable() }),
);
export const assignInput = z.strictObject({
  selection: taskSelectionSchema,
  reviewerIds: z.array(id).min(1).max(100),
  mode: z
    .enum(["round_robin", "each"])
    .default("round_robin")
    .describe("each: every task to every reviewer named; round_robin: perTask reviewers per task in turn"),
  perTask: z.number().int().min(1).max(API_LIMITS.reviewersPerTask).optional(),
});
export const assignOutput = out({
  tasks: z.number().int(),
  assigned: z.number().int(),
  perReviewer: z.record(z.string(), z.number().int()),
});
export const unassignInput = z.strictObject({
  selection: taskSelectionSchema,
  reviewerIds: z.array(id).min(1).max(100).optional(),
});

export const queueInput = z
  .strictObject({ limit: z.number().int().min(1).max(API_LIMITS.pageSize).default(50) })
  .optional();
export const queueOutput = out({
  left: z.number().int().describe("assigned tasks still waiting for your decision on their current revision"),
  total: z.number().int().describe("tasks assigned to you"),
  items: z.array(
    out({
      id,
      externalId: z.string(),
      environment: z.string(),
      instruction: z.string(),
      verdictStatus: z.string(),
      revisionCount: z.number().int(),
      assignedAt: moment,
    }),
  ),
});

export const decisionsOutput = out({
  revision: z.number().int(),
  blind: z.boolean().describe("others' decisions are hidden until you decide"),
  assigned: z.number().int(),
  decisions: z.array(
    out({
      userId: id,
      name: z.string(),
      decision: z.string(),
      overrideReason: z.string().nullable(),
      adjudication: z.boolean(),
      at: moment,
    }),
  ),
});

const kappa = {
  method: z.enum(["cohen", "fleiss"]),
  items: z.number().int(),
  observed: z.number().nullable(),
  expected: z.number().nullable(),
  kappa: z.number().nullable(),
};
export const agreementOutput = out({
  raters: z.array(out({ id, name: z.string(), email: z.string().nullable() })),
  items: z.number().int().describe("tasks decided by at least two reviewers on their current revision"),
  decision: out(kappa),
  labels: z.array(out({ labelId: id, name: z.string(), applied: z.number().int(), ...kappa })),
  pairs: z.array(out({ a: id, b: id, ...kappa })),
});
export const disagreementsInput = scopeInput.extend({ limit: z.number().int().min(1).max(1000).default(200) });
export const disagreementsOutput = z.array(
  out({
    id,
    externalId: z.string(),
    environment: z.string(),
    revision: z.number().int(),
    decisions: z.array(out({ userId: id, name: z.string(), decision: z.string(), reason: z.string().nullable() })),
  }),
);
