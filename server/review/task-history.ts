import type { Db } from "../db/client";
import type { ReviewStatus } from "../db/generated/enums";
import { AppError } from "../errors";
import { REVISION_CONTENT } from "../tasks/task-content";

/** Every revision, filter run and review event of a task, newest first, with author and time. */
export async function getTaskHistory({ db, taskId }: { db: Db; taskId: number }) {
  const task = await db.prisma.task.findUnique({
    where: { id: taskId },
    select: {
      revisions: {
        orderBy: { number: "desc" },
        select: {
          id: true,
          number: true,
          source: true,
          createdAt: true,
          author: { select: { name: true } },
          batch: { select: { name: true } },
          parentRevisionId: true,
        },
      },
      reviewEvents: {
        orderBy: { id: "desc" },
        take: 500,
        select: {
          id: true,
          kind: true,
          fromStatus: true,
          toStatus: true,
          body: true,
          override: true,
          createdAt: true,
          revision: { select: { number: true } },
          run: { select: { id: true, verdictStatus: true, verdictReason: true } },
          user: { select: { id: true, name: true } },
          label: { select: { name: true, color: true } },
        },
      },
      filterRuns: {
        orderBy: { id: "desc" },
        take: 200,
        select: {
          id: true,
          status: true,
          verdictStatus: true,
          verdictReason: true,
          createdAt: true,
          finishedAt: true,
          revision: { select: { number: true } },
          requestedBy: { select: { name: true } },
        },
      },
      labels: { select: { label: { select: { id: true, name: true, color: true } } } },
    },
  });
  if (!task) throw new AppError("NOT_FOUND", `Task ${taskId} does not exist.`);
  // A decision is about one revision: once a newer one exists, it is shown as superseded by it.
  const numbers = task.revisions.map((r) => r.number);
  const supersededBy = (n: number | undefined) =>
    n === undefined ? null : (numbers.filter((m) => m > n).sort((a, b) => a - b)[0] ?? null);
  type Decision = {
    status: ReviewStatus;
    revision: number | null;
    supersededBy: number | null;
    override: boolean;
    run: { id: number; verdict: string | null; reason: string | null } | null;
  };
  type Entry = {
    key: string;
    at: string;
    who: string;
    /** Who made a review event (blind mode hides other reviewers' decisions and labels). */
    userId?: number;
    kind: string;
    text: string;
    revision?: number;
    body?: string | null;
    color?: string | null;
    decision?: Decision;
  };
  const entries: Entry[] = [
    ...task.revisions.map((r) => ({
      key: `revision:${r.id}`,
      at: r.createdAt.toISOString(),
      who: r.author.name,
      kind: "revision",
      revision: r.number,
      text:
        r.source === "import"
          ? `imported revision ${r.number}${r.batch ? ` (batch ${r.batch.name})` : ""}`
          : `saved revision ${r.number}`,
    })),
    ...task.filterRuns.map((f) => ({
      key: `run:${f.id}`,
      at: (f.finishedAt ?? f.createdAt).toISOString(),
      who: f.requestedBy?.name ?? "system",
      kind: "rerun",
      revision: f.revision.number,
      text:
        f.status === "done"
          ? `filter run #${f.id}: ${f.verdictStatus}${f.verdictReason ? ` (${f.verdictReason.replaceAll("_", " ")})` : ""}`
          : `filter run #${f.id}: ${f.status}`,
    })),
    ...task.reviewEvents
      .filter((e) => e.kind !== "revision")
      .map(
        (e): Entry => ({
          key: `event:${e.id}`,
          at: e.createdAt.toISOString(),
          who: e.user.name,
          userId: e.user.id,
          kind: e.kind,
          revision: e.revision?.number,
          // A comment's text, or the written reason of an override.
          body: e.kind === "comment" || e.override ? e.body : null,
          color: e.label?.color ?? null,
          decision:
            e.kind === "status" && e.toStatus
              ? {
                  status: e.toStatus,
                  revision: e.revision?.number ?? null,
                  supersededBy: e.toStatus === "unreviewed" ? null : supersededBy(e.revision?.number),
                  override: e.override,
                  run: e.run ? { id: e.run.id, verdict: e.run.verdictStatus, reason: e.run.verdictReason } : null,
                }
              : undefined,
          text:
            e.kind === "status"
              ? `${e.fromStatus?.replace("_", " ")} → ${e.toStatus?.replace("_", " ")}${e.revision ? ` on r${e.revision.number}` : ""}`
              : e.kind === "label_added"
                ? `labelled ${e.label?.name ?? "(deleted label)"}`
                : e.kind === "label_removed"
                  ? `removed label ${e.label?.name ?? "(deleted label)"}`
                  : "commented",
        }),
      ),
  ];
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    entries,
    labels: task.labels.map((l) => l.label),
    revisions: task.revisions.map((r) => ({ id: r.id, number: r.number, source: r.source })),
  };
}

/** Full content of some revisions of a task, for diffs. */
export async function getRevisions({ db, taskId, ids }: { db: Db; taskId: number; ids: number[] }) {
  return db.prisma.taskRevision.findMany({
    where: { taskId, id: { in: ids } },
    select: { ...REVISION_CONTENT, source: true },
  });
}
