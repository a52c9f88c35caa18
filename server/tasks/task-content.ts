// What identifies a revision's content and what search reads of it: one definition for the
// importer and the editor, so an imported revision and the same content saved from the editor
// hash and search alike.
import { createHash } from "node:crypto";
import type { TaskContent } from "@/lib/cat";
import type { Prisma } from "../db/generated/client";

/** sha256 over the content and the metadata: re-importing identical content makes no new revision. */
export function hashTaskContent(c: TaskContent, metadata: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([c.instruction, c.verifier, c.solution, c.failureCases, metadata ?? null]))
    .digest("hex");
}

/** The instruction and all the code, one field per line: what substring search looks in. */
export function searchTextOf(c: TaskContent): string {
  return [c.instruction, c.verifier, c.solution, ...c.failureCases].join("\n");
}

/** The columns of a revision's content as the task page, the diffs and a save conflict show it. */
export const REVISION_CONTENT = {
  id: true,
  number: true,
  instruction: true,
  verifier: true,
  solution: true,
  failureCases: true,
  createdAt: true,
  author: { select: { name: true } },
} as const satisfies Prisma.TaskRevisionSelect;
