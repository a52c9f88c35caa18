import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { setReviewStatus, setTaskLabel } from "../review/review-tasks";
import { saveTaskRevision } from "../review/save-revision";
import { acceptedTask, importLines, lenientTask, registerFixturePack, runFilterNow } from "../testing/fixtures";
import { getStatistics } from "./get-statistics";

let db: Db;
const ids: Record<string, number> = {};
beforeAll(async () => {
  db = await createTestDb();
  await registerFixturePack(db, "calc");
  await importLines(db, "st", [
    lenientTask("s1", "calc"),
    acceptedTask("s2", "calc"),
    lenientTask("s3", "calc"),
    acceptedTask("s4", "calc"),
  ]);
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  await runFilterNow(db, { filter: { batch: "st" } });
}, 120_000);
afterAll(async () => {
  await db.close();
});

describe("getStatistics", () => {
  it("counts what human edits did to verdicts, false positives both ways, overrides and review throughput", async () => {
    const edit = async (externalId: string, over: Partial<{ verifier: string; failureCases: string[] }>) => {
      const t = await db.prisma.task.findUniqueOrThrow({
        where: { id: ids[externalId]! },
        select: {
          currentRevision: {
            select: { id: true, instruction: true, verifier: true, solution: true, failureCases: true },
          },
        },
      });
      const c = t.currentRevision!;
      await saveTaskRevision({
        userId: db.defaultUserId,
        db,
        taskId: ids[externalId]!,
        baseRevisionId: c.id,
        content: {
          instruction: c.instruction,
          verifier: c.verifier,
          solution: c.solution,
          failureCases: c.failureCases,
          ...over,
        },
      });
    };
    await edit("s1", { failureCases: ["respond('5')"] }); // a failure case that fails now: rescued
    await edit("s2", { verifier: "def verify(state, answer):\n    return False\n" }); // a false positive found by editing
    await runFilterNow(db, { taskIds: [ids.s1!, ids.s2!] });
    await setReviewStatus({ userId: db.defaultUserId, db, selection: { taskIds: [ids.s1!] }, status: "approved" });
    await setReviewStatus({
      userId: db.defaultUserId,
      db,
      selection: { taskIds: [ids.s3!] },
      status: "approved",
      override: { reason: "the failure case is wrong" },
    });
    const fp = await db.prisma.label.findUniqueOrThrow({ where: { name: "false positive" } });
    // Labelled a false positive although the task stays accepted (its verifier is not fixed yet).
    await setTaskLabel({
      userId: db.defaultUserId,
      db,
      selection: { taskIds: [ids.s2!, ids.s4!] },
      labelId: fp.id,
      on: true,
    });

    const stats = await getStatistics({ db });
    expect(stats.edits).toEqual({
      edited: 2,
      rescued: 1,
      newlyRejected: 1,
      unchanged: 0,
      notRunBefore: 0,
      pendingNow: 0,
    });
    expect(stats.falsePositives).toEqual({ labelled: 2, flippedByEdit: 1 });
    expect(stats.overrides).toBe(1);
    expect(stats.labels.find((l) => l.name === "false positive")?.n).toBe(2);
    expect(stats.throughput).toHaveLength(1);
    expect(stats.throughput[0]).toMatchObject({ approved: 2, label_added: 2, revision: 2 });
    expect(stats.reviewers).toEqual(["Local researcher"]);
  }, 60_000);

  it("counts accepted tasks by verifier strength per environment and batch, and the ones fixed", async () => {
    // Checks as the worker leaves them (strength-check.test.ts runs real ones): s1 leaked on its
    // imported revision and not on its edited one, s4 leaks on its only revision.
    await db.pool.query("delete from strength_checks");
    const check = async (externalId: string, revisionNumber: number, leaks: number) => {
      const { rows } = await db.pool.query<{ id: number }>(
        `insert into strength_checks (task_id, revision_id, status, result, variants, leaks, flaky, unread_writes, finished_at)
         select r.task_id, r.id, 'done', $3::"StrengthStatus", 10, $4, false, '[]'::jsonb, now()
         from task_revisions r where r.task_id = $1 and r.number = $2 returning id`,
        [ids[externalId], revisionNumber, leaks ? "lenient" : "strong", leaks],
      );
      return rows[0]!.id;
    };
    await check("s1", 1, 2);
    const s1 = await check("s1", 2, 0);
    const s4 = await check("s4", 1, 3);
    await db.pool.query(
      `update tasks t set strength = c.result, strength_check_id = c.id from strength_checks c where c.id = any($1::int[]) and t.id = c.task_id`,
      [[s1, s4]],
    );
    const { strength } = await getStatistics({ db });
    const calc = { accepted: 2, unchecked: 0, strong: 1, unreadWrites: 0, flaky: 0, lenient: 1, fixed: 1 };
    expect(strength.byEnvironment).toEqual([{ key: "calc", ...calc }]);
    expect(strength.byBatch).toEqual([{ key: "st", ...calc }]);
    expect(strength.total).toEqual(calc);
  }, 60_000);
});
