// Strength checks: a task's strength with its evidence, queuing checks, following them, and turning a
// leaking variant into a failure case.
import { z } from "zod";
import { STRENGTH_STATUSES } from "@/lib/strength";
import { taskQuerySchema } from "@/lib/task-query";
import { API_LIMITS } from "../limits";
import { id, moment, nullableMoment, out } from "./common";

/** Variants per task: the environments' setting has the same range (0 there turns checks off). */
export const PROBE_CAP_MAX = 100;

/** `"strength"` of an export line and of a task over REST: null when the revision was not checked. */
export const strengthSummaryOutput = out({
  variants: z.number().int(),
  leaks: z.number().int(),
  unreadWrites: z.array(z.string()).describe('dotted state paths: "orders.#W1.cancel_reason"'),
  flaky: z.boolean(),
}).nullable();

export const strengthRef = z.strictObject({ taskId: id });

const checkInfo = out({
  id,
  revision: z.number().int(),
  status: z.string().describe("queued, running, done, failed or cancelled"),
  result: z.enum(STRENGTH_STATUSES).nullable(),
  summary: strengthSummaryOutput,
  error: z.string().nullable(),
  createdAt: moment,
  finishedAt: nullableMoment,
});
export const taskStrengthOutput = out({
  status: z.enum(STRENGTH_STATUSES),
  check: checkInfo
    .extend({ report: z.unknown().describe("the variants (probes) with their code, verdict and state delta") })
    .nullable()
    .describe("the check of the current revision the status comes from; null: not checked"),
  pending: z.boolean(),
  lastError: z.string().nullable(),
  history: z.array(checkInfo),
});

/** Which tasks to check: ids or a task list filter (only the accepted ones are checked), and a cap. */
export const strengthRequestInput = z
  .strictObject({
    taskIds: z.array(id).min(1).max(API_LIMITS.idsPerRequest).optional(),
    filter: taskQuerySchema.strict().optional(),
    cap: z
      .number()
      .int()
      .min(1)
      .max(PROBE_CAP_MAX)
      .optional()
      .describe("variants per task (default: the environment's setting, else 24)"),
  })
  .superRefine((v, ctx) => {
    if ((v.taskIds === undefined) === (v.filter === undefined))
      ctx.addIssue({
        code: "custom",
        message: "give either taskIds (a list of task numbers) or filter (a task list filter), not both",
      });
  });
export const strengthRequestOutput = out({
  checkIds: z.array(id).describe("poll GET /strength-checks?checkIds=… or strength.progress"),
  matched: z.number().int(),
  skipped: z.number().int().describe("matching tasks not accepted on their current revision"),
});

export const strengthProgressInput = z.strictObject({
  checkIds: z.array(id).min(1).max(API_LIMITS.idsPerRequest),
});
export const strengthProgressOutput = out({
  queued: z.number().int(),
  running: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  finished: z.boolean(),
  lenient: z.number().int(),
  flaky: z.number().int(),
  unreadWrites: z.number().int(),
  strong: z.number().int(),
  variants: z.number().int(),
  leaks: z.number().int(),
});

export const addAsFailureCaseInput = z.strictObject({
  taskId: id,
  checkId: id,
  variant: z.number().int().min(0).describe("the leaking variant's index in the check's report.probes"),
  baseRevisionId: id.describe("the revision the reviewer looked at: a newer one is a conflict (409)"),
});
