import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { setReviewStatus, setTaskLabel } from "../review/review-tasks";
import { saveTaskRevision } from "../review/save-revision";
import { importTasks } from "../tasks/import-tasks";
import { getStatistics } from "./get-statistics";

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.create({ data: { name: "calc" } });
  const t = (id: string) => JSON.stringify({ id, environment: "calc", instruction: `T ${id}`, verifier: "def verify(s, a):\n    return True", solution: "pass", failure_cases: ["pass"] });
  await importTasks({ db, source: Readable.from([[t("s1"), t("s2"), t("s3")].join("\n")]), batchName: "st" });
});
afterAll(async () => {
  await db.close();
});

/** Records a finished run with a verdict, as a worker would. */
async function finishRun(taskId: number, status: "accepted" | "rejected") {
  const task = await db.prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { currentRevisionId: true } });
  const run = await db.prisma.filterRun.create({ data: { taskId, revisionId: task.currentRevisionId!, status: "done", verdictStatus: status, verdictReason: status === "rejected" ? "failure_case_passing" : null } });
  await db.prisma.task.update({ where: { id: taskId }, data: { verdictStatus: status, verdictReason: run.verdictReason, verdictRunId: run.id } });
}

describe("getStatistics", () => {
  it("counts what human edits did to verdicts, labels and review throughput", async () => {
    const tasks = await db.prisma.task.findMany({ orderBy: { externalId: "asc" }, select: { id: true, currentRevisionId: true } });
    const [s1, s2, s3] = tasks as [typeof tasks[number], typeof tasks[number], typeof tasks[number]];
    await finishRun(s1.id, "rejected");
    await finishRun(s2.id, "accepted");
    await finishRun(s3.id, "rejected");
    const edit = (id: number, base: number, v: string) => saveTaskRevision({ db, taskId: id, baseRevisionId: base, content: { instruction: "T", verifier: v, solution: "pass", failureCases: ["pass"] } });
    await edit(s1.id, s1.currentRevisionId!, "def verify(s, a):\n    return a == 'x'");
    await edit(s2.id, s2.currentRevisionId!, "def verify(s, a):\n    return False");
    await finishRun(s1.id, "accepted"); // rescued
    await finishRun(s2.id, "rejected"); // a false positive found by editing
    await setReviewStatus({ db, selection: { taskIds: [s1.id, s3.id] }, status: "approved" });
    const fp = await db.prisma.label.findUniqueOrThrow({ where: { name: "false positive" } });
    await setTaskLabel({ db, selection: { taskIds: [s2.id] }, labelId: fp.id, on: true });

    const stats = await getStatistics({ db });
    expect(stats.edits).toEqual({ edited: 2, rescued: 1, newlyRejected: 1, unchanged: 0, notRunBefore: 0, pendingNow: 0 });
    expect(stats.labels.find((l) => l.name === "false positive")?.n).toBe(1);
    expect(stats.throughput).toHaveLength(1);
    expect(stats.throughput[0]).toMatchObject({ approved: 2, label_added: 1, revision: 2 });
    expect(stats.reviewers).toEqual(["Local researcher"]);
  });
});
