// Tasks: the list, one task (with the case matrix of its latest run), edits, Try.
import { z } from "zod";
import { REJECT_REASONS, REVIEW_STATUSES, VERDICT_STATUSES } from "@/lib/cat";
import { STRENGTH_STATUSES } from "@/lib/strength";
import { taskListInputSchema } from "@/lib/task-query";
import { API_LIMITS } from "../limits";
import { id, moment, nullableMoment, out } from "./common";
import { strengthSummaryOutput } from "./strength";

export const taskListInput = taskListInputSchema;
const taskListItem = out({
  id,
  externalId: z.string(),
  environment: z.string(),
  batch: z.string().nullable(),
  verdictStatus: z.enum(VERDICT_STATUSES),
  verdictReason: z.string().nullable(),
  reviewStatus: z.string(),
  reviewStale: z.boolean().describe("a newer revision superseded the review decision"),
  reviewOverride: z.string().nullable().describe("the reason, when approved although the filter did not accept it"),
  strength: z.enum(STRENGTH_STATUSES).describe("the verifier strength check of the current revision"),
  revisionCount: z.number().int(),
  failureCaseCount: z.number().int(),
  instruction: z.string().describe("the first 300 characters"),
  createdAt: moment,
  updatedAt: moment,
});
export const taskListOutput = out({
  items: z.array(taskListItem),
  nextCursor: z.string().nullable().describe("pass back as cursor for the next page"),
});

export const taskRef = z.strictObject({ taskId: id });

const caseResult = out({
  role: z.enum(["solution", "failure"]),
  index: z.number().int(),
  outcome: z.string().describe("pass, fail, error or timeout"),
  returnRepr: z.string().nullable(),
  error: z.unknown(),
  stdout: z.string(),
  stderr: z.string(),
  messages: z.array(z.string()),
  durationMs: z.number(),
});
const revision = out({
  id,
  number: z.number().int(),
  instruction: z.string(),
  verifier: z.string(),
  solution: z.string(),
  failureCases: z.array(z.string()),
  metadata: z.unknown(),
  source: z.enum(["import", "edit"]),
  createdAt: moment,
  author: out({ name: z.string() }),
});
export const taskDetailOutput = out({
  id,
  externalId: z.string(),
  environment: out({ name: z.string() }),
  verdictStatus: z.enum(VERDICT_STATUSES),
  verdictReason: z.enum(REJECT_REASONS).nullable(),
  reviewStatus: z.enum(REVIEW_STATUSES),
  reviewStale: z.boolean(),
  reviewOverride: z.string().nullable(),
  revisionCount: z.number().int(),
  commentCount: z.number().int(),
  editedByHuman: z.boolean(),
  createdAt: moment,
  updatedAt: moment,
  currentRevision: revision.nullable(),
  labels: z.array(out({ label: out({ id, name: z.string() }) })),
  strengthStatus: z.enum(STRENGTH_STATUSES).describe("the verifier strength of the current revision"),
  strength: strengthSummaryOutput.describe(
    "its strength check in numbers, as export lines carry it; null: not checked",
  ),
  latestRun: out({
    id,
    status: z.string(),
    verdictStatus: z.string().nullable(),
    verdictReason: z.string().nullable(),
    createdAt: moment,
    finishedAt: nullableMoment,
  }).nullable(),
  cases: z.array(caseResult).describe("the case matrix of the latest run"),
});

const contentFields = {
  instruction: z.string().optional(),
  verifier: z.string().optional(),
  solution: z.string().optional(),
  failureCases: z.array(z.string()).optional(),
};
/** A new revision: the fields given replace the current revision's, the others stay. */
export const reviseInput = z.strictObject({
  taskId: id,
  ...contentFields,
  note: z.string().max(API_LIMITS.revisionNoteChars).optional(),
  baseRevisionId: id
    .optional()
    .describe("the revision the edit was made on: a newer one is a conflict (409); default the current one"),
});
export const reviseOutput = out({ revisionId: id, number: z.number().int(), rerunId: id });

export const tryInput = z.strictObject({ taskId: id, ...contentFields });
export const tryOutput = out({
  before: out({ status: z.string(), reason: z.string().nullable() }).nullable(),
  after: out({ status: z.string(), reason: z.string().nullable() }),
  verifierError: z.unknown(),
  flips: z.array(
    out({
      role: z.string(),
      index: z.number().int(),
      expected: z.string(),
      before: z.string().nullable(),
      after: z.string(),
      flipped: z.boolean(),
      error: z.string().nullable(),
    }),
  ),
  packHash: z.string(),
});
