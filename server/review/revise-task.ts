// Edits by field, as scripts and the CLI make them: the fields given replace the current revision's,
// the others stay. A new revision (and its filter run) goes through saveTaskRevision, so the conflict
// rule is the same as the editor's: an edit based on a revision that is no longer current is a 409.
import type { TaskContent } from "@/lib/cat";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Sandbox } from "../sandbox";
import { saveTaskRevision } from "./save-revision";
import { tryTaskEdit } from "./try-task";

export type ContentFields = Partial<TaskContent>;

async function withCurrent(
  db: Db,
  taskId: number,
  fields: ContentFields,
): Promise<{ baseId: number; content: TaskContent }> {
  if (Object.values(fields).every((v) => v === undefined))
    throw new AppError("BAD_INPUT", "Give at least one of instruction, verifier, solution, failureCases.");
  const task = await db.prisma.task.findUnique({
    where: { id: taskId },
    select: {
      currentRevision: { select: { id: true, instruction: true, verifier: true, solution: true, failureCases: true } },
    },
  });
  const cur = task?.currentRevision;
  if (!cur) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  return {
    baseId: cur.id,
    content: {
      instruction: fields.instruction ?? cur.instruction,
      verifier: fields.verifier ?? cur.verifier,
      solution: fields.solution ?? cur.solution,
      failureCases: fields.failureCases ?? cur.failureCases,
    },
  };
}

export async function reviseTask({
  db,
  taskId,
  userId,
  baseRevisionId,
  note,
  ...fields
}: ContentFields & { db: Db; taskId: number; userId: number; baseRevisionId?: number; note?: string }) {
  const { baseId, content } = await withCurrent(db, taskId, fields);
  return saveTaskRevision({ db, taskId, userId, baseRevisionId: baseRevisionId ?? baseId, content, note });
}

export async function tryTaskFields({
  db,
  taskId,
  userId,
  sandbox,
  ...fields
}: ContentFields & { db: Db; taskId: number; userId: number; sandbox?: Sandbox }) {
  const { content } = await withCurrent(db, taskId, fields);
  return tryTaskEdit({ db, taskId, userId, content, ...(sandbox ? { sandbox } : {}) });
}
