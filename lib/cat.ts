// The CaT interchange format (PRODUCT.md, "A CaT task"), shared by the importer, the exporter, the
// API and the UI. One JSON object per line.
import { z } from "zod";

export const LIMITS = {
  /** A line longer than this is skipped with an error without being held in memory. */
  lineBytes: 8 * 1024 * 1024,
  idChars: 200,
  environmentChars: 100,
  instructionChars: 200_000,
  codeChars: 2 * 1024 * 1024,
  failureCases: 200,
  /** Everything one tagged-text task holds, all tags together: the same bound as a JSONL line. */
  taskBytes: 8 * 1024 * 1024,
  /**
   * How deeply a field's JSON value (metadata) may nest. Deeper values overflow the stack of code that
   * walks them (hashing, rendering), so they are refused before JSON.parse ever sees them.
   */
  jsonDepth: 64,
  /** How many line errors an import keeps (the count is always exact). */
  keptErrors: 1000,
} as const;

const noNul = (s: string) => !s.includes("\u0000");
// A lone UTF-16 surrogate cannot be stored as UTF-8: it would be silently replaced.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isCleanText = (s: string) => noNul(s) && !LONE_SURROGATE.test(s);
const code = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .max(LIMITS.codeChars, `${what} is longer than ${LIMITS.codeChars} characters`)
    .refine(noNul, `${what} contains a NUL character`)
    .refine((s) => !LONE_SURROGATE.test(s), `${what} contains invalid Unicode (a lone surrogate)`);

export const catTaskSchema = z
  .object({
    id: z
      .string({ error: "id must be a string" })
      .trim()
      .min(1, "id must not be empty")
      .max(LIMITS.idChars, `id is longer than ${LIMITS.idChars} characters`)
      .refine(noNul, "id contains a NUL character")
      .optional(),
    environment: z
      .string({ error: (i) => (i.input === undefined ? "environment is required" : "environment must be a string") })
      .trim()
      .min(1, "environment must not be empty")
      .max(LIMITS.environmentChars),
    instruction: z
      .string({ error: (i) => (i.input === undefined ? "instruction is required" : "instruction must be a string") })
      .min(1, "instruction must not be empty")
      .max(LIMITS.instructionChars, `instruction is longer than ${LIMITS.instructionChars} characters`)
      .refine(noNul, "instruction contains a NUL character"),
    verifier: code("verifier"),
    solution: code("solution"),
    failure_cases: z
      .array(code("failure case"), {
        error: (i) =>
          i.input === undefined ? "failure_cases is required" : "failure_cases must be an array of strings",
      })
      .max(LIMITS.failureCases, `more than ${LIMITS.failureCases} failure cases`),
    metadata: z.record(z.string(), z.unknown(), { error: "metadata must be a JSON object" }).optional(),
    // Written by export; accepted and ignored on import so exported files import again unchanged.
    verdict: z.unknown().optional(),
    review: z.unknown().optional(),
    strength: z.unknown().optional(),
  })
  .strict();

export type CatTask = z.output<typeof catTaskSchema>;

// The CaT vocabulary's enums, stated once for the importer, the API and the UI (the Prisma enums
// carry the same values; server/sandbox/types.ts names the sandbox's side of them).
export const VERDICT_STATUSES = ["pending", "accepted", "rejected"] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];
export const CASE_OUTCOMES = ["pass", "fail", "error", "timeout"] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];
export const REJECT_REASONS = [
  "verifier_invalid",
  "solution_not_passing",
  "no_failure_cases",
  "failure_case_passing",
  "failure_case_error",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export const REVIEW_STATUSES = ["unreviewed", "approved", "rejected", "needs_edit"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
/** The decisions a reviewer makes (unreviewed is the absence of one). */
export type ReviewDecision = Exclude<ReviewStatus, "unreviewed">;

/** A problem with one line (or one tagged task) of an import file. */
export interface LineError {
  line: number;
  field?: string;
  message: string;
}

/** Flattens zod issues into "field: message" errors for one line. */
export function lineErrorsFromZod(line: number, error: z.ZodError): LineError[] {
  return error.issues.map((issue) => {
    const field = issue.path.length
      ? issue.path
          .map(String)
          .join(".")
          .replace(/\.(\d+)/g, "[$1]")
      : undefined;
    if (issue.code === "unrecognized_keys") {
      return {
        line,
        message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")} (expected id, environment, instruction, verifier, solution, failure_cases, metadata)`,
      };
    }
    return { line, field, message: issue.message };
  });
}

/** A task's editable content, as the editor sends it (camelCase, like the rest of the API). */
export const taskContentSchema = z.object({
  instruction: z
    .string()
    .refine((s) => s.trim().length > 0, "The instruction is empty.")
    .refine(
      (s) => s.length <= LIMITS.instructionChars,
      `The instruction is longer than ${LIMITS.instructionChars} characters.`,
    )
    .refine(isCleanText, "The instruction contains a NUL character or invalid Unicode."),
  verifier: code("verifier").refine(
    (s) => s.trim().length > 0,
    "The verifier is empty: it must define verify(state, answer).",
  ),
  solution: code("solution"),
  failureCases: z
    .array(code("failure case"))
    .max(LIMITS.failureCases, `more than ${LIMITS.failureCases} failure cases`),
});
export type TaskContent = z.infer<typeof taskContentSchema>;
