// Facet counts are exact while cheap and estimated past EXACT_LIMIT matches, saying so. Here a small
// table is pushed over a lowered limit, so both paths run on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { importLines } from "../testing/fixtures";
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
  await db.pool.query("analyze tasks");
}, 60_000);
afterAll(() => db.close());

describe("facet counts", () => {
  it("are exact, and say so, while the matches are few", async () => {
    const c = await getFacetCounts({ db, filter: { q: "refund" } });
    expect(c).toMatchObject({ total: 150, environment: { airline: 50, retail: 100 }, batch: { facets: 150 } });
    expect(Object.values(c.approximate).every((a) => a === false)).toBe(true);
  });

  it("are estimated past the limit, marked approximate, and close to the truth", async () => {
    const c = await getFacetCounts({ db, filter: {}, exactLimit: 50 });
    expect(c.approximate).toMatchObject({ total: true, environment: true, batch: true, label: true });
    expect(c.total).toBeGreaterThan(200);
    expect(c.total).toBeLessThan(400);
    const searched = await getFacetCounts({ db, filter: { q: "refund" }, exactLimit: 50 });
    expect(searched.approximate.total).toBe(true);
    expect(searched.total).toBeGreaterThan(100);
    expect(searched.total).toBeLessThan(200);
    // A narrow filter stays exact even when its own facet's alternatives are estimated.
    const narrow = await getFacetCounts({ db, filter: { q: "lamp 299" }, exactLimit: 50 });
    expect(narrow).toMatchObject({ total: 1, approximate: { total: false } });
  });

  it("round estimates to two significant digits", () => {
    expect([7, 99, 123, 341_907, 1_004_999].map(estimate)).toEqual([7, 99, 120, 340_000, 1_000_000]);
  });
});
