// Several reviewers per task, through the tRPC procedures as each reviewer: agreement figures that
// match a hand computation (Cohen's κ for two reviewers, Fleiss' κ for three, per label too), the
// disagreements a curator adjudicates, a policy publishing honours, round-robin queues, blind mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../api/root";
import type { Actor } from "../auth/roles";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { acceptedTask, importLines, registerFixturePack, runFilterNow, testUser } from "../testing/fixtures";
import { cohenKappa, fleissKappa, type Ratings } from "./agreement";

let db: Db;
const ids: Record<string, number> = {};
type Caller = ReturnType<typeof createCaller>;
let A: Caller;
let B: Caller;
let C: Caller;
let K: Caller; // a curator
const who: Record<string, Actor> = {};

beforeAll(async () => {
  db = await createTestDb();
  await registerFixturePack(db, "calc");
  await importLines(
    db,
    "pair",
    ["p1", "p2", "p3", "p4", "p5", "p6", "p7"].map((id) => acceptedTask(id, "calc")),
  );
  await importLines(
    db,
    "trio",
    ["q1", "q2", "q3", "q4"].map((id) => acceptedTask(id, "calc")),
  );
  await importLines(
    db,
    "blind",
    ["b1"].map((id) => acceptedTask(id, "calc")),
  );
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  await runFilterNow(db, { filter: {} });
  for (const [name, role] of [
    ["A", "reviewer"],
    ["B", "reviewer"],
    ["C", "reviewer"],
    ["K", "curator"],
  ] as const)
    who[name] = await testUser(db, role, `${name.toLowerCase()}@lab.example`);
  A = createCaller({ db, actor: who.A! });
  B = createCaller({ db, actor: who.B! });
  C = createCaller({ db, actor: who.C! });
  K = createCaller({ db, actor: who.K! });
}, 180_000);
afterAll(() => db.close());

const decide = (
  c: Caller,
  task: string,
  decision: "approve" | "reject" | "needs_edit",
  extra: { adjudicate?: boolean } = {},
) => c.review.decide({ taskId: ids[task]!, decision, ...extra });

describe("agreement", () => {
  it("computes κ by the textbook formulas", () => {
    // Two raters, 6 items: the hand computation of the next test.
    const r: Ratings = new Map(
      [
        ["ap", "ap"],
        ["ap", "rj"],
        ["rj", "rj"],
        ["ap", "ap"],
        ["ne", "ap"],
        ["ap", "ap"],
      ].map(([a, b], i) => [
        i,
        new Map([
          [1, a!],
          [2, b!],
        ]),
      ]),
    );
    const k = cohenKappa(r, 1, 2);
    expect(k.observed).toBeCloseTo(4 / 6, 10);
    expect(k.expected).toBeCloseTo(0.5, 10);
    expect(k.kappa).toBeCloseTo(1 / 3, 10);
    // Everyone in one category: κ is undefined, not 0/0.
    expect(
      cohenKappa(
        new Map([
          [
            1,
            new Map([
              [1, "ap"],
              [2, "ap"],
            ]),
          ],
        ]),
        1,
        2,
      ).kappa,
    ).toBeNull();
    const f = fleissKappa(
      new Map(
        [
          ["ap", "ap", "ap"],
          ["ap", "ap", "rj"],
          ["rj", "rj", "rj"],
          ["ap", "rj", "ne"],
        ].map((row, i) => [i, new Map(row.map((c, j) => [j, c]))]),
      ),
    );
    expect(f.kappa).toBeCloseTo(11 / 41, 10);
  });

  it("matches the hand computation for two reviewers, for the decision and a label", async () => {
    const plan: Array<[string, "approve" | "reject" | "needs_edit", "approve" | "reject" | "needs_edit"]> = [
      ["p1", "approve", "approve"],
      ["p2", "approve", "reject"],
      ["p3", "reject", "reject"],
      ["p4", "approve", "approve"],
      ["p5", "needs_edit", "approve"],
      ["p6", "approve", "approve"],
    ];
    for (const [task, a, b] of plan) {
      await decide(A, task, a);
      await decide(B, task, b);
    }
    await A.review.setLabel({ selection: { taskIds: [ids.p2!] }, label: "false positive", on: true });
    await B.review.setLabel({ selection: { taskIds: [ids.p2!, ids.p3!] }, label: "false positive", on: true });

    const ag = await K.reviewers.agreement({ batch: "pair" });
    expect(ag.items).toBe(6);
    expect(ag.raters.map((r) => r.email)).toEqual(["a@lab.example", "b@lab.example"]);
    // Observed 4/6; chance: approved 4/6·4/6 + rejected 1/6·2/6 + needs edit 1/6·0 = 1/2; κ = (2/3 − 1/2)/(1 − 1/2) = 1/3.
    expect(ag.decision).toEqual({ method: "cohen", items: 6, observed: 0.6667, expected: 0.5, kappa: 0.3333 });
    // "false positive": A on p2, B on p2 and p3. Observed 5/6; chance 1/6·2/6 + 5/6·4/6 = 22/36; κ = (30 − 22)/(36 − 22) = 4/7.
    expect(ag.labels.find((l) => l.name === "false positive")).toMatchObject({
      method: "cohen",
      items: 6,
      observed: 0.8333,
      expected: 0.6111,
      kappa: 0.5714,
    });
  });

  it("uses Fleiss' κ for three reviewers", async () => {
    const rows: Array<[string, ...Array<"approve" | "reject" | "needs_edit">]> = [
      ["q1", "approve", "approve", "approve"],
      ["q2", "approve", "approve", "reject"],
      ["q3", "reject", "reject", "reject"],
      ["q4", "approve", "reject", "needs_edit"],
    ];
    for (const [task, ...ds] of rows) for (const [i, d] of ds.entries()) await decide([A, B, C][i]!, task, d);
    const ag = await K.reviewers.agreement({ batch: "trio" });
    // P̄ = (1 + 1/3 + 1 + 0)/4 = 7/12; P̄e = (6/12)² + (5/12)² + (1/12)² = 62/144; κ = (84 − 62)/(144 − 62) = 11/41.
    expect(ag.decision).toEqual({ method: "fleiss", items: 4, observed: 0.5833, expected: 0.4306, kappa: 0.2683 });
    expect(ag.pairs).toHaveLength(3);
  });

  it("lists the disagreements; a curator's adjudication settles one; a reviewer cannot adjudicate", async () => {
    const open = await K.reviewers.disagreements({ batch: "pair" });
    expect(open.map((d) => d.externalId)).toEqual(["p2", "p5"]);
    expect(open[0]!.decisions.map((d) => d.decision)).toEqual(["approved", "rejected"]);
    await expect(decide(A, "p5", "approve", { adjudicate: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await decide(K, "p5", "approve", { adjudicate: true });
    expect((await K.reviewers.disagreements({ batch: "pair" })).map((d) => d.externalId)).toEqual(["p2"]);
  });
});

describe("a review policy", () => {
  it("decides what publishing lets in: enough approvals, no objection unless adjudicated", async () => {
    await K.dataset.create({ name: "two-approvals" });
    await K.reviewers.setPolicy({ dataset: "two-approvals", approvals: 2, noRejection: true });
    await decide(A, "p7", "approve");
    await decide(A, "p2", "approve"); // p2's latest decision is an approval; B rejected it
    const added = await K.dataset.add({
      dataset: "two-approvals",
      selection: { taskIds: [ids.p1!, ids.p2!, ids.p7!] },
    });
    expect(added.added).toBe(3);
    const plan = await K.dataset.previewPublish({ dataset: "two-approvals" });
    expect(plan.included).toBe(1);
    expect(plan.excluded).toEqual([
      { id: "p2", reason: "reviewer_objected", message: expect.stringContaining("adjudicates") },
      { id: "p7", reason: "awaiting_reviews", message: "awaiting reviews: 1 of 2 approvals the review policy needs" },
    ]);
    await decide(B, "p7", "approve");
    await decide(K, "p2", "approve", { adjudicate: true });
    const published = await K.dataset.publish({ dataset: "two-approvals" });
    expect(published).toMatchObject({ version: 1, tasks: 3, excluded: [] });
    // An adjudicated rejection keeps a task out even with two approvals.
    await K.dataset.add({ dataset: "two-approvals", selection: { taskIds: [ids.p4!] } });
    await decide(K, "p4", "reject", { adjudicate: true });
    expect((await K.dataset.previewPublish({ dataset: "two-approvals" })).excluded).toEqual([
      expect.objectContaining({ id: "p4" }),
    ]);
    expect((await K.reviewers.policies()).map((p) => [p.dataset, p.approvals, p.noRejection])).toEqual([
      ["two-approvals", 2, true],
    ]);
  });
});

describe("assignment and queues", () => {
  it("spreads tasks round-robin and counts what is left in each queue", async () => {
    const r = await K.reviewers.assign({
      selection: { filter: { batch: "pair" } },
      reviewerIds: [who.A!.id, who.B!.id, who.C!.id],
      mode: "round_robin",
      perTask: 2,
    });
    expect(r).toMatchObject({ tasks: 7, assigned: 14 });
    expect(Object.values(r.perReviewer).sort()).toEqual([4, 5, 5]);
    const qC = await C.reviewers.queue();
    // C decided nothing in batch "pair": every assigned task is left.
    expect(qC.left).toBe(qC.total);
    const qA = await A.reviewers.queue();
    expect(qA.total).toBeGreaterThan(qA.left); // A decided every p-task, p7 too
    expect(qA.left).toBe(0);
    await C.review.decide({ taskId: qC.items[0]!.id, decision: "approve" });
    expect((await C.reviewers.queue()).left).toBe(qC.left - 1);
    await expect(
      A.reviewers.assign({ selection: { taskIds: [ids.p1!] }, reviewerIds: [who.A!.id], mode: "each" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("blind mode", () => {
  it("hides others' decisions from a reviewer until they decide, never from a curator", async () => {
    await K.reviewers.setPolicy({ batch: "blind", approvals: 2, blind: true });
    const b1 = ids.b1!;
    await decide(A, "b1", "reject");
    await A.review.setLabel({ selection: { taskIds: [b1] }, label: "false positive", on: true });
    const before = await B.task.get({ id: b1 });
    expect(before).toMatchObject({ blind: true, reviewStatus: "unreviewed", labels: [] });
    expect((await B.reviewers.decisions({ taskId: b1 })).decisions).toEqual([]);
    const history = await B.review.history({ taskId: b1 });
    expect(history.entries.filter((e) => e.kind === "status" || e.kind === "label_added")).toEqual([]);
    expect((await K.task.get({ id: b1 })).reviewStatus).toBe("rejected");
    const listed = await B.task.list({ batch: "blind" });
    expect(listed.items.map((t) => t.reviewStatus)).toEqual(["unreviewed"]);
    expect((await K.task.list({ batch: "blind" })).items.map((t) => t.reviewStatus)).toEqual(["rejected"]);
    await decide(B, "b1", "approve");
    const after = await B.reviewers.decisions({ taskId: b1 });
    expect(after.blind).toBe(false);
    expect(after.decisions.map((d) => [d.name, d.decision])).toEqual([
      ["a", "rejected"],
      ["b", "approved"],
    ]);
  });
});
