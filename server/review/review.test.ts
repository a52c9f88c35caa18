import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../api/root";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { registerPack } from "../packs/register-pack";
import { createSandbox, type Sandbox } from "../sandbox";
import { DEMO_PACK_DIR } from "../seed";
import { importTasks } from "../tasks/import-tasks";
import { runFilterNow, testUser } from "../testing/fixtures";
import { tryTaskEdit } from "./try-task";

let db: Db;
let caller: ReturnType<typeof createCaller>;
let sandbox: Sandbox;
const ids: Record<string, number> = {};

// A task on the retail pack whose verifier is too lenient: the failure case (doing nothing) passes.
const lenient = {
  id: "lenient-1",
  environment: "retail",
  instruction: "Cancel order #W0000000 because it was ordered by mistake.",
  verifier: "def verify(state, answer):\n    return True\n",
  solution: "respond('cancelled')",
  failure_cases: ["pass", "respond('nothing done')"],
};

beforeAll(async () => {
  db = await createTestDb();
  sandbox = createSandbox({ concurrency: 1 });
  await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  const rows = [
    lenient,
    ...Array.from({ length: 5 }, (_, i) => ({
      ...lenient,
      id: `other-${i}`,
      instruction: `Other task ${i} about a lamp`,
    })),
  ];
  await importTasks({
    db,
    source: Readable.from([rows.map((r) => JSON.stringify(r)).join("\n")]),
    batchName: "review",
  });
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  caller = createCaller({ db, actor: await testUser(db, "admin") });
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  await db.close();
});

const content = (
  over: Partial<{ instruction: string; verifier: string; solution: string; failureCases: string[] }> = {},
) => ({
  instruction: lenient.instruction,
  verifier: lenient.verifier,
  solution: lenient.solution,
  failureCases: lenient.failure_cases,
  ...over,
});

describe("editing", () => {
  it("Try runs the edit without saving and shows which cases flip", async () => {
    const taskId = ids["lenient-1"]!;
    const strict = "def verify(state, answer):\n    return answer == 'cancelled'\n";
    // Before any run there is no 'before'; then run the current revision to have one.
    const first = await tryTaskEdit({ userId: db.defaultUserId, db, taskId, content: content(), sandbox });
    expect(first.before).toBeNull();
    expect(first.after).toEqual({ status: "rejected", reason: "failure_case_passing" });
    // Run the current revision through the filter, as a worker does.
    await runFilterNow(db, { taskIds: [taskId] }, { sandbox });

    const tried = await tryTaskEdit({
      userId: db.defaultUserId,
      db,
      taskId,
      content: content({ verifier: strict }),
      sandbox,
    });
    expect(tried.before).toEqual({ status: "rejected", reason: "failure_case_passing" });
    expect(tried.after).toEqual({ status: "accepted", reason: null });
    expect(tried.flips.map((f) => [f.role, f.index, f.before, f.after, f.flipped])).toEqual([
      ["solution", 0, "pass", "pass", false],
      ["failure", 0, "pass", "fail", true],
      ["failure", 1, "pass", "fail", true],
    ]);
    const task = await db.prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { revisionCount: true } });
    expect(task.revisionCount).toBe(1); // nothing saved
  });

  it("Try points at the line of a syntax error", async () => {
    const tried = await tryTaskEdit({
      userId: db.defaultUserId,
      db,
      taskId: ids["lenient-1"]!,
      content: content({ verifier: "def verify(state, answer):\n    return (\n" }),
      sandbox,
    });
    expect(tried.after.reason).toBe("verifier_invalid");
    expect(tried.verifierError).toMatchObject({ type: "SyntaxError", line: expect.any(Number) });
  });

  it("Save makes a new revision, queues a rerun, and never overwrites", async () => {
    const taskId = ids["lenient-1"]!;
    const task = await caller.task.get({ id: taskId });
    const saved = await caller.review.save({
      taskId,
      baseRevisionId: task.currentRevision!.id,
      content: content({ verifier: "def verify(state, answer):\n    return answer == 'cancelled'\n" }),
    });
    expect(saved.number).toBe(2);
    const after = await caller.task.get({ id: taskId });
    expect(after).toMatchObject({ revisionCount: 2, verdictStatus: "pending", editedByHuman: true });
    expect(after.revisions.map((r) => [r.number, r.source])).toEqual([
      [1, "import"],
      [2, "edit"],
    ]);
    const run = await db.prisma.filterRun.findFirstOrThrow({
      where: { rerunId: saved.rerunId },
      select: { revisionId: true, status: true },
    });
    expect(run).toEqual({ revisionId: saved.revisionId, status: "queued" });
  });

  it("Saving on top of a newer revision is a conflict that carries both versions", async () => {
    const taskId = ids["lenient-1"]!;
    const [r1] = (await caller.task.get({ id: taskId })).revisions;
    const err = await caller.review
      .save({ taskId, baseRevisionId: r1!.id, content: content({ solution: "respond('mine')" }) })
      .catch((e) => e);
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/Revision 2 by admin-\d+-\d+ was saved after the one you edited/);
    expect(err.cause.details.current).toMatchObject({
      number: 2,
      verifier: expect.stringContaining("answer == 'cancelled'"),
    });
    expect((await caller.task.get({ id: taskId })).revisionCount).toBe(2);
  });

  it("refuses empty verifiers, NUL bytes, lone surrogates and no-op saves with clear messages", async () => {
    const taskId = ids["other-0"]!;
    const base = (await caller.task.get({ id: taskId })).currentRevision!.id;
    await expect(
      caller.review.save({ taskId, baseRevisionId: base, content: content({ verifier: "  \n" }) }),
    ).rejects.toThrow(/verifier is empty/);
    await expect(
      caller.review.save({ taskId, baseRevisionId: base, content: content({ solution: "a\u0000b" }) }),
    ).rejects.toThrow(/NUL/);
    await expect(
      caller.review.save({ taskId, baseRevisionId: base, content: content({ solution: "x = '\uD800'" }) }),
    ).rejects.toThrow(/lone surrogate/);
    await expect(
      caller.review.save({
        taskId,
        baseRevisionId: base,
        content: { ...content(), instruction: "Other task 0 about a lamp" },
      }),
    ).rejects.toThrow(/Nothing changed/);
  });
});

describe("review", () => {
  it("approves and rejects in bulk, by ids or by filter, with events; approving what the filter did not accept needs an override", async () => {
    const pair = { taskIds: [ids["other-0"]!, ids["other-1"]!] };
    expect(await caller.review.setStatus({ selection: pair, status: "approved" })).toMatchObject({
      matched: 2,
      changed: 0,
      refused: {
        count: 2,
        tasks: [
          { externalId: "other-0", block: "not_run" },
          { externalId: "other-1", block: "not_run" },
        ],
      },
    });
    await expect(
      caller.review.setStatus({ selection: { taskIds: [ids["other-0"]!] }, status: "approved" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("needs an override") });
    expect(
      await caller.review.setStatus({ selection: pair, status: "approved", override: { reason: "checked by hand" } }),
    ).toMatchObject({ matched: 2, changed: 2, refused: { count: 0 } });
    expect(
      await caller.review.setStatus({ selection: { filter: { q: "lamp", review: "unreviewed" } }, status: "rejected" }),
    ).toMatchObject({ matched: 3, changed: 3 });
    expect(await caller.task.count({ review: "rejected" })).toBe(3);
    const events = await db.prisma.reviewEvent.findMany({
      where: { kind: "status", taskId: ids["other-0"]! },
      select: { fromStatus: true, toStatus: true, override: true, body: true },
    });
    expect(events).toEqual([
      { fromStatus: "unreviewed", toStatus: "approved", override: true, body: "checked by hand" },
    ]);
  });

  it("labels tasks, lists the default label set, refuses markup in names", async () => {
    const labels = await caller.review.labels();
    expect(labels.map((l) => l.name)).toEqual([
      "false positive",
      "false negative",
      "ambiguous instruction",
      "infeasible",
      "trivial",
      "verifier too lenient",
      "verifier too strict",
    ]);
    const fp = labels[0]!;
    expect(
      await caller.review.setLabel({ selection: { taskIds: [ids["lenient-1"]!] }, labelId: fp.id, on: true }),
    ).toEqual({ matched: 1, changed: 1 });
    expect(
      await caller.review.setLabel({ selection: { taskIds: [ids["lenient-1"]!] }, labelId: fp.id, on: true }),
    ).toEqual({ matched: 1, changed: 0 });
    expect(await caller.task.count({ label: "false positive" })).toBe(1);
    await expect(caller.review.createLabel({ name: "<img src=x onerror=alert(1)>" })).rejects.toThrow(/label name is/);
    const made = await caller.review.createLabel({ name: "needs new tool", color: "#123456" });
    await expect(caller.review.createLabel({ name: "needs new tool" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await caller.review.deleteLabel({ labelId: made.id })).toEqual({ deleted: true });
  });

  it("keeps comments verbatim (markup is displayed, never run) and counts them for the facet", async () => {
    const body = "<script>alert('x')</script> the verifier ignores the payment method";
    await caller.review.comment({ taskId: ids["lenient-1"]!, body });
    await expect(caller.review.comment({ taskId: ids["lenient-1"]!, body: "   " })).rejects.toThrow(/empty/);
    const history = await caller.review.history({ taskId: ids["lenient-1"]! });
    expect(history.entries.find((e) => e.kind === "comment")?.body).toBe(body);
    expect(history.entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["revision", "rerun", "label_added", "comment"]),
    );
    expect(await caller.task.count({ comments: "yes" })).toBe(1);
  });

  it("counts facets within the filter, leaving out each facet's own choice", async () => {
    const all = await caller.task.facetCounts({});
    expect(all.total).toBe(6);
    expect(all.environment).toEqual({ retail: 6 });
    expect(all.batch).toEqual({ review: 6 });
    expect(all.review).toEqual({ approved: 2, rejected: 3, unreviewed: 1 });
    expect(all.label).toEqual({ "false positive": 1 });
    expect(all.edited).toEqual({ yes: 1, no: 5 });
    expect(all.comments).toEqual({ yes: 1, no: 5 });
    const chosen = await caller.task.facetCounts({ review: "rejected" });
    expect(chosen.review).toEqual({ approved: 2, rejected: 3, unreviewed: 1 }); // its own choice left out
    expect(chosen.edited).toEqual({ no: 3 }); // the others within it
    expect(chosen.total).toBe(3);
    expect((await caller.task.facetCounts({ q: "lamp", label: "false positive" })).total).toBe(0);
  });

  it("finds the neighbours of a task in the list order, and searches the code too", async () => {
    const input = { sort: "externalId" as const, dir: "asc" as const };
    expect(await caller.review.neighbors({ ...input, taskId: ids["other-2"]! })).toEqual({
      prevId: ids["other-1"],
      nextId: ids["other-3"],
    });
    expect(await caller.review.neighbors({ ...input, taskId: ids["lenient-1"]! })).toEqual({
      prevId: null,
      nextId: ids["other-0"],
    });
    expect(await caller.task.count({ q: "answer == 'cancelled'" })).toBe(1);
  });
});
