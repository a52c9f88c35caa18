// A save on top of a revision that is no longer current is refused with the newer revision in the
// error details (server/review/save-revision.ts); this reads it with a check rather than a cast.
import { z } from "zod";
import type { ConflictDetails } from "@/server/review/save-revision";

const conflictSchema = z.object({
  baseRevisionId: z.number(),
  current: z.object({
    id: z.number(),
    number: z.number(),
    author: z.string(),
    createdAt: z.string(),
    instruction: z.string(),
    verifier: z.string(),
    solution: z.string(),
    failureCases: z.array(z.string()),
  }),
}) satisfies z.ZodType<ConflictDetails>;

export type ConflictingRevision = ConflictDetails["current"];

export function conflictOf(
  error: { data?: { code?: string; details?: unknown } | null } | null | undefined,
): ConflictingRevision | null {
  if (error?.data?.code !== "CONFLICT") return null;
  const parsed = conflictSchema.safeParse(error.data.details);
  return parsed.success ? parsed.data.current : null;
}
