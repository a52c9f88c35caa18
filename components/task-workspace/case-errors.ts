// What a filter run stored about errors and tool calls (JSON columns), read with a check instead of
// a cast: rows written by older versions of the sandbox may lack newer fields.
import { z } from "zod";

const caseErrorSchema = z.object({
  type: z.string(),
  message: z.string(),
  traceback: z.string().default(""),
  line: z.number().int().optional(),
  /** Which source the failing line is in (older runs did not record it). */
  source: z.enum(["case", "verifier"]).optional(),
});
export type CaseErrorInfo = z.infer<typeof caseErrorSchema>;

const caseErrorsSchema = z.object({
  case: caseErrorSchema.nullable().default(null),
  verify: caseErrorSchema.nullable().default(null),
});

const toolCallsSchema = z.array(
  z.object({ name: z.string(), args: z.unknown(), result: z.string().optional(), error: z.string().optional() }),
);
export type ToolCallInfo = z.infer<typeof toolCallsSchema>[number];

export function readCaseError(json: unknown): CaseErrorInfo | null {
  const parsed = caseErrorSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** A case result's `error` column: what the case raised and what verify raised. */
export function readCaseErrors(json: unknown): { case: CaseErrorInfo | null; verify: CaseErrorInfo | null } {
  const parsed = caseErrorsSchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : { case: null, verify: null };
}

export function readToolCalls(json: unknown): ToolCallInfo[] {
  const parsed = toolCallsSchema.safeParse(json);
  return parsed.success ? parsed.data : [];
}
