// Bulk actions take either explicit task ids or "all tasks matching this filter".
import { z } from "zod";
import { taskQuerySchema, type TaskQuery } from "@/lib/task-query";
import { API_LIMITS } from "../api/limits";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { taskQuerySql, taskSearchCte } from "../tasks/task-query-sql";

export type TaskSelection = { taskIds: number[] } | { filter: TaskQuery };

const taskIdSchema = z
  .number({ error: "expected a task number (GET /api/v1/tasks/{environment}/{externalId} finds it)" })
  .int()
  .positive();

/**
 * One object with either key, not a union of two: a union's failure is reported at the root as
 * "Invalid input", while this names the field (`taskIds.0: expected a task number`).
 */
export const taskSelectionSchema = z
  .strictObject({
    taskIds: z.array(taskIdSchema).min(1).max(API_LIMITS.idsPerRequest).optional(),
    filter: taskQuerySchema.strict().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.taskIds === undefined) === (v.filter === undefined))
      ctx.addIssue({
        code: "custom",
        message: "give either taskIds (a list of task numbers) or filter (a task list filter), not both",
      });
  })
  .transform((v): TaskSelection => (v.taskIds ? { taskIds: v.taskIds } : { filter: v.filter! }));

const MAX_BULK = API_LIMITS.bulkTasks;

export async function resolveSelection(db: Db, selection: TaskSelection): Promise<number[]> {
  if ("taskIds" in selection) return [...new Set(selection.taskIds)];
  const rows = await db.prisma.$queryRaw<Array<{ id: number }>>`
    ${taskSearchCte(selection.filter)}
    select t.id from tasks t
    left join task_revisions r on r.id = t.current_revision_id
    where ${taskQuerySql(selection.filter)}
    limit ${MAX_BULK + 1}`;
  if (rows.length > MAX_BULK) throw new AppError("TOO_LARGE", `More than ${MAX_BULK} tasks match: narrow the filter.`);
  return rows.map((r) => r.id);
}
