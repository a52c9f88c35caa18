import { Readable } from "node:stream";
import { STRENGTH_STATUSES } from "@/lib/strength";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { createTestDb } from "../../db/test-db";
import { importTasks } from "../../tasks/import-tasks";
import { testUser } from "../../testing/fixtures";
import { createCaller } from "../root";

let db: Db;
let caller: ReturnType<typeof createCaller>;

const task = (i: number, env = "retail") => ({
  id: `t-${String(i).padStart(4, "0")}`,
  environment: env,
  instruction: i % 10 === 0 ? `Refund the SKATEBOARD ${i}` : `Plain task ${i} with 100%_literal`,
  verifier: "def verify(state, answer):\n    return True",
  solution: "pass",
  failure_cases: Array.from({ length: i % 3 }, () => "pass"),
});

beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "airline" }] });
  const lines = (from: number, to: number, env?: string) =>
    Readable.from([Array.from({ length: to - from }, (_, k) => JSON.stringify(task(from + k, env))).join("\n")]);
  await importTasks({ db, source: lines(0, 180), batchName: "first" });
  await importTasks({ db, source: lines(180, 250, "airline"), batchName: "second" });
  caller = createCaller({ db, actor: await testUser(db, "admin") });
});
afterAll(() => db.close());

describe("task router", () => {
  it("pages through every task exactly once, in order, with keyset cursors", async () => {
    // Strengths spread over the tasks for the "suspected lenient first" sort: only the order is under
    // test here (server/strength/strength-check.test.ts gets them from real checks).
    await db.pool.query(
      `update tasks set strength = (array['unchecked','strong','unread_writes','flaky','lenient'])[1 + id % 5]::"StrengthStatus"`,
    );
    const strengthOf = new Map(
      (
        await db.pool.query<{ external_id: string; strength: string }>("select external_id, strength::text from tasks")
      ).rows.map((r) => [r.external_id, r.strength as (typeof STRENGTH_STATUSES)[number]]),
    );
    for (const [sort, dir] of [
      ["created", "desc"],
      ["externalId", "asc"],
      ["externalId", "desc"],
      ["updated", "asc"],
      ["lenient", "desc"],
      ["lenient", "asc"],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await caller.task.list({ sort, dir, limit: 37, cursor });
        seen.push(...page.items.map((t) => t.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(250);
      expect(new Set(seen).size).toBe(250);
      if (sort === "externalId")
        expect(seen).toEqual([...seen].sort((a, b) => (dir === "asc" ? a.localeCompare(b) : b.localeCompare(a))));
      if (sort === "lenient") {
        const rank = seen.map((x) => STRENGTH_STATUSES.indexOf(strengthOf.get(x)!));
        expect(rank).toEqual([...rank].sort((a, b) => (dir === "desc" ? b - a : a - b)));
        if (dir === "desc") expect(strengthOf.get(seen[0]!)).toBe("lenient");
      }
    }
  });

  it("filters by environment, batch and search, and counts the same set", async () => {
    const airline = await caller.task.list({ environment: "airline", limit: 500 });
    expect(airline.items).toHaveLength(70);
    expect(airline.items.every((t) => t.environment === "airline" && t.batch === "second")).toBe(true);
    expect(await caller.task.count({ environment: "airline" })).toBe(70);
    expect(await caller.task.count({ batch: "first" })).toBe(180);

    const found = await caller.task.list({ q: "skateboard", limit: 500 });
    expect(found.items.map((t) => t.externalId)).toHaveLength(25);
    expect(found.items.every((t) => /SKATEBOARD/.test(t.instruction))).toBe(true);
    // LIKE wildcards in the query are literal characters.
    expect(await caller.task.count({ q: "100%_literal" })).toBe(225);
    expect(await caller.task.count({ q: "100%_x" })).toBe(0);
    expect(await caller.task.count({ q: "t-0042" })).toBe(1);
    expect(await caller.task.count({ verdict: "pending", review: "unreviewed", environment: "retail" })).toBe(180);
    expect(await caller.task.count({ verdict: "accepted" })).toBe(0);
  });

  it("returns a task with its current revision, and NOT_FOUND for a missing one", async () => {
    const { items } = await caller.task.list({ q: "t-0007" });
    const t = await caller.task.get({ id: items[0]!.id });
    expect(t).toMatchObject({
      externalId: "t-0007",
      revisionCount: 1,
      environment: { name: "retail" },
      batch: { name: "first" },
    });
    expect(t.currentRevision?.failureCases).toEqual(["pass"]);
    await expect(caller.task.get({ id: 999_999 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Task 999999 does not exist.",
    });
  });

  it("rejects a forged cursor and bad input with BAD_REQUEST", async () => {
    await expect(caller.task.list({ cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.task.list({ limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.task.list({ verdict: "maybe" as "accepted" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("finds a rare match beyond the scan window, and pages through a common one", async () => {
    // 5,200 more tasks: a term found only in the oldest task lies past the first 5,000 in sort order.
    const many = Array.from({ length: 5200 }, (_, k) =>
      JSON.stringify({
        ...task(1000 + k),
        instruction: k === 0 ? "The only PLATYPUS here" : `Filler ${k} common words`,
      }),
    );
    await importTasks({ db, source: Readable.from([many.join("\n")]), batchName: "many" });
    const rare = await caller.task.list({ q: "platypus", limit: 50 });
    expect(rare.items.map((t) => t.externalId)).toEqual(["t-1000"]);
    expect(rare.nextCursor).toBeNull();
    const seen = new Set<string>();
    let cursor: string | null | undefined;
    do {
      const page = await caller.task.list({ q: "common words", limit: 500, cursor });
      for (const t of page.items) seen.add(t.externalId);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(5199);
    expect(await caller.task.count({ q: "common words" })).toBe(5199);
  });

  it("lists facets, imports and batches", async () => {
    expect(await caller.task.facets()).toEqual({
      environments: ["airline", "retail"],
      batches: ["many", "second", "first"],
    });
    const imports = await caller.imports.list();
    expect(imports.map((b) => [b.batchName, b.createdCount, b.status])).toEqual([
      ["many", 5200, "done"],
      ["second", 70, "done"],
      ["first", 180, "done"],
    ]);
    const batches = await caller.imports.batches();
    expect(batches.map((b) => [b.name, b.tasks, b.imports])).toEqual([
      ["many", 5200, 1],
      ["second", 70, 1],
      ["first", 180, 1],
    ]);
  });
});
