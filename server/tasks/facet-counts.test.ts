// Facet counts are exact while cheap and estimated past EXACT_LIMIT matches, saying so. Here a small
// table is pushed over a lowered limit, so both paths run on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { setReviewStatus, setTaskLabel } from "../review/review-tasks";
import { importLines } from "../testing/fixtures";
import { until } from "../testing/until";
import { estimate, getFacetCounts } from "./facet-counts";

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "airline" }] });
  const tasks = Array.from({ length: 300 }, (_, i) => ({
    id: `f${i}`,
    environment: i % 3 === 0 ? "airline" : "retail",
    instruction: `${i % 2 === 0 ? "refund" : "exchange"} the lamp ${i}`,
    verifier: "def verify(state, answer):\n    return True\n",
    solution: "respond('x')",
    failure_cases: ["pass"],
  }));
  await importLines(db, "facets", tasks);
  // The import's sessions report their inserts to the statistics up to a second after committing. An
  // analyze before that sets the live row count to 300 and the late report adds 300 more: tableRows
  // then says 600, and every estimate doubles (seen once, on a slow machine).
  await until("the import's inserts in the statistics", async () => {
    const { rows } = await db.pool.query<{ n: string }>(
      "select n_tup_ins as n from pg_stat_user_tables where relname = 'tasks'",
    );
    return Number(rows[0]?.n ?? 0) >= tasks.length;
  });
  await db.pool.query("analyze tasks");
}, 60_000);
afterAll(() => db.close());

describe("facet counts", () => {
  it("are exact, and say so, while the matches are few", async () => {
    const c = await getFacetCounts({ db, filter: { q: "refund" } });
    expect(c).toMatchObject({ total: 150, environment: { airline: 50, retail: 100 }, batch: { facets: 150 } });
    expect(Object.values(c.approximate).every((a) => a === false)).toBe(true);
  });

  it("are estimated past the limit for searches and memberships, marked approximate, and close to the truth", async () => {
    const searched = await getFacetCounts({ db, filter: { q: "refund" }, exactLimit: 50 });
    expect(searched.approximate.total).toBe(true);
    expect(searched.total).toBeGreaterThan(100);
    expect(searched.total).toBeLessThan(200);
    // every pass counts the same sample's matches (the text is tested once), edits included
    expect(searched.approximate).toMatchObject({ batch: true, edit: true, environment: true });
    expect(searched.batch.facets).toBe(searched.total);
    expect((searched.environment.airline ?? 0) + (searched.environment.retail ?? 0)).toBe(searched.total);
    const inBatch = await getFacetCounts({ db, filter: { batch: "facets" }, exactLimit: 50 });
    expect(inBatch.approximate).toMatchObject({ total: true, environment: true });
    expect(inBatch.total).toBeGreaterThan(200);
    expect(inBatch.total).toBeLessThan(400);
    // A narrow filter stays exact even when its own facet's alternatives are estimated.
    const narrow = await getFacetCounts({ db, filter: { q: "lamp 299" }, exactLimit: 50 });
    expect(narrow).toMatchObject({ total: 1, approximate: { total: false } });
  });

  it("are exact at any size when the filter is on task columns only, kept by counters through every change", async () => {
    const before = await getFacetCounts({ db, filter: {}, exactLimit: 50 });
    expect(before).toMatchObject({
      total: 300,
      environment: { airline: 100, retail: 200 },
      review: { unreviewed: 300 },
      override: { no: 300 },
      batch: { facets: 300 },
      approximate: { total: false, environment: false, batch: false },
    });
    // Nothing has run yet: no task reached the funnel's first stage, and no edit changed a verdict.
    expect(await getFacetCounts({ db, filter: { stage: "run" }, exactLimit: 50 })).toMatchObject({
      total: 0,
      edit: {},
    });
    const some = (
      await db.prisma.task.findMany({ where: { environment: { name: "airline" } }, select: { id: true }, take: 30 })
    ).map((t) => t.id);
    await setReviewStatus({ db, selection: { taskIds: some }, status: "rejected", userId: db.defaultUserId });
    const fp = await db.prisma.label.findUniqueOrThrow({ where: { name: "false positive" } });
    await setTaskLabel({
      db,
      selection: { taskIds: some.slice(0, 10) },
      labelId: fp.id,
      on: true,
      userId: db.defaultUserId,
    });
    const after = await getFacetCounts({ db, filter: { environment: "airline" }, exactLimit: 50 });
    expect(after).toMatchObject({
      total: 100,
      review: { unreviewed: 70, rejected: 30 },
      environment: { airline: 100, retail: 200 },
      approximate: { total: false, review: false },
    });
    expect(after.label["false positive"]).toBeGreaterThan(0);
    await setReviewStatus({
      db,
      selection: { taskIds: some.slice(20) },
      status: "approved",
      override: { reason: "checked by hand" },
      userId: db.defaultUserId,
    });
    expect(await getFacetCounts({ db, filter: { override: "yes" }, exactLimit: 50 })).toMatchObject({
      total: 10,
      review: { approved: 10 },
      override: { yes: 10, no: 290 },
    });
    const rejectedOnly = await getFacetCounts({ db, filter: { review: "rejected" }, exactLimit: 50 });
    expect(rejectedOnly).toMatchObject({
      total: 20,
      environment: { airline: 20 },
      review: { unreviewed: 270, rejected: 20, approved: 10 },
    });
    // Folding the appended counter rows changes nothing.
    await db.pool.query("select compact_facet_counters()");
    expect(await getFacetCounts({ db, filter: { review: "rejected" }, exactLimit: 50 })).toEqual(rejectedOnly);
    expect(await db.prisma.taskCount.count()).toBeLessThanOrEqual(4);
  });

  it("round estimates to two significant digits", () => {
    expect([7, 99, 123, 341_907, 1_004_999].map(estimate)).toEqual([7, 99, 120, 340_000, 1_000_000]);
  });
});
