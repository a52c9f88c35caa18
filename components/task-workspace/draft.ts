// An unsaved edit ("draft") of a task: which revision it was made on and the content. Drafts live
// in localStorage so a reload or a crash loses nothing.
import { z } from "zod";
import type { TaskContent } from "@/lib/cat";

export interface Draft {
  /** The revision the edit started from (a save on top of a newer one is a conflict). */
  base: number;
  content: TaskContent;
  savedAt: string;
}

export const draftKey = (taskId: number) => `cat-draft:${taskId}`;

export function contentOf(r: TaskContent): TaskContent {
  return { instruction: r.instruction, verifier: r.verifier, solution: r.solution, failureCases: r.failureCases };
}

export function sameContent(a: TaskContent, b: TaskContent): boolean {
  return (
    a.instruction === b.instruction &&
    a.verifier === b.verifier &&
    a.solution === b.solution &&
    a.failureCases.length === b.failureCases.length &&
    a.failureCases.every((f, i) => f === b.failureCases[i])
  );
}

// Stored by an older version of this page or edited by hand: checked before it is trusted.
const storedDraftSchema = z.object({
  base: z.number().int().positive(),
  content: z.object({
    instruction: z.string(),
    verifier: z.string(),
    solution: z.string(),
    failureCases: z.array(z.string()),
  }),
  savedAt: z.string(),
});

/** The draft stored under a key, or null when there is none or it is unreadable. */
export function parseStoredDraft(raw: string | null): Draft | null {
  if (!raw) return null;
  try {
    const parsed = storedDraftSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
