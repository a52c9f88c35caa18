// A task's strength as the task page and the API show it: the check of its current revision with
// the evidence, whether one is on its way, and the task's earlier checks.
import type { StrengthStatus } from "@/lib/strength";
import { type Db, readSnapshot } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import type { StrengthReport } from "../sandbox";
import { type StrengthSummary, strengthSummary } from "./strength-summary";

interface StrengthCheckInfo {
  id: number;
  revision: number;
  status: string;
  result: StrengthStatus | null;
  summary: StrengthSummary | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * The task's row and its checks are read in one snapshot: read apart, a check that finished between
 * the two reads showed as done in the history while the task still said "not checked", and as
 * nothing was pending any more the panel stopped polling and kept saying so.
 */
export function getTaskStrength({ db, taskId }: { db: Db; taskId: number }) {
  return readSnapshot(db, (tx) => readTaskStrength(tx, taskId));
}

async function readTaskStrength(tx: Prisma.TransactionClient, taskId: number) {
  const task = await tx.task.findUnique({
    where: { id: taskId },
    select: { strength: true, strengthCheckId: true, currentRevisionId: true, verdictStatus: true },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const rows = await tx.$queryRaw<
    Array<{
      id: number;
      revision_id: number;
      number: number;
      status: string;
      result: StrengthStatus | null;
      variants: number | null;
      leaks: number | null;
      flaky: boolean | null;
      unread_writes: unknown;
      error: string | null;
      created_at: Date;
      finished_at: Date | null;
    }>
  >`
    select s.id, s.revision_id, r.number, s.status::text as status, s.result::text as result, s.variants, s.leaks, s.flaky, s.unread_writes,
           s.error, s.created_at, s.finished_at
    from strength_checks s join task_revisions r on r.id = s.revision_id
    where s.task_id = ${taskId}::int
      -- the newest 20, and the check the task shows even when 20 newer ones (failed, cancelled) followed it
      and (s.id = ${task.strengthCheckId ?? 0}::int or s.id in (select id from strength_checks where task_id = ${taskId}::int order by id desc limit 20))
    order by s.id desc`;
  const history: StrengthCheckInfo[] = rows.map((r) => ({
    id: r.id,
    revision: r.number,
    status: r.status,
    result: r.result,
    summary: r.status === "done" ? strengthSummary(r) : null,
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }));
  const shownId = task.strengthCheckId;
  const shown = shownId
    ? await tx.strengthCheck.findUnique({
        where: { id: shownId },
        select: { id: true, report: true, finishedAt: true },
      })
    : null;
  const onCurrent = rows.filter((r) => r.revision_id === task.currentRevisionId);
  return {
    status: task.strength,
    /** The check the status comes from, with its evidence (null: the current revision was not checked). */
    check: shown
      ? { ...history.find((h) => h.id === shown.id)!, report: shown.report as unknown as StrengthReport }
      : null,
    /** A check of the current revision is queued or running. */
    pending: onCurrent.some((r) => r.status === "queued" || r.status === "running"),
    /** Why the latest check of the current revision did not end (failed, cancelled), if it did not. */
    lastError:
      onCurrent[0] && (onCurrent[0].status === "failed" || onCurrent[0].status === "cancelled")
        ? onCurrent[0].error
        : null,
    history,
  };
}

/** The summary of the check each task shows, for many tasks at once (exports). */
async function strengthSummaries(db: Db, checkIds: number[]): Promise<Map<number, StrengthSummary | null>> {
  if (!checkIds.length) return new Map();
  const rows = await db.prisma.strengthCheck.findMany({
    where: { id: { in: checkIds } },
    select: { id: true, variants: true, leaks: true, flaky: true, unreadWrites: true },
  });
  return new Map(rows.map((r) => [r.id, strengthSummary(r)]));
}

/** The task's strength as GET /tasks/{taskId} carries it: the status and the summary of its check. */
export async function getStrengthOfTask(
  db: Db,
  taskId: number,
): Promise<{ strengthStatus: StrengthStatus; strength: StrengthSummary | null }> {
  const task = await db.prisma.task.findUnique({
    where: { id: taskId },
    select: { strength: true, strengthCheckId: true },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  const summaries = await strengthSummaries(db, task.strengthCheckId ? [task.strengthCheckId] : []);
  return {
    strengthStatus: task.strength,
    strength: (task.strengthCheckId && summaries.get(task.strengthCheckId)) || null,
  };
}
