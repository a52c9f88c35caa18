// Bulk actions take either explicit task ids or "all tasks matching this filter".
import { z } from "zod";
import { taskFilterSchema, type TaskFilter } from "@/lib/task-query";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { taskFilterSql, taskSearchCte } from "../tasks/task-query-sql";

export const taskSelectionSchema = z.union([z.object({ taskIds: z.array(z.number().int().positive()).min(1).max(100_000) }), z.object({ filter: taskFilterSchema })]);
export type TaskSelection = { taskIds: number[] } | { filter: TaskFilter };

export const MAX_BULK = 200_000;

export async function resolveSelection(db: Db, selection: TaskSelection): Promise<number[]> {
  if ("taskIds" in selection) return [...new Set(selection.taskIds)];
  const rows = await db.prisma.$queryRaw<Array<{ id: number }>>`
    ${taskSearchCte(selection.filter)}
    select t.id from tasks t
    left join task_revisions r on r.id = t.current_revision_id
    where ${taskFilterSql(selection.filter)}
    limit ${MAX_BULK + 1}`;
  if (rows.length > MAX_BULK) throw new AppError("TOO_LARGE", `More than ${MAX_BULK} tasks match: narrow the filter.`);
  return rows.map((r) => r.id);
}
