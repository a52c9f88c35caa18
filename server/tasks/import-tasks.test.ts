import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { exportTasks } from "./export-tasks";
import { importTasks } from "./import-tasks";

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.createMany({ data: [{ name: "retail" }, { name: "calc" }] });
});
afterAll(() => db.close());

const task = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  environment: "retail",
  instruction: `Return the order for ${id}.`,
  verifier: "def verify(state, answer):\n    return True\n",
  solution: "respond('done')",
  failure_cases: ["pass"],
  ...extra,
});
const jsonl = (...rows: unknown[]) =>
  rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
// Many small chunks, to exercise lines that span chunk boundaries.
const source = (text: string | Buffer, chunk = 7) => {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts);
};
let n = 0;
const run = (text: string | Buffer, opts: Partial<Parameters<typeof importTasks>[0]> = {}) =>
  importTasks({ db, source: source(text), batchName: `b${++n}`, ...opts });
const collect = async (gen: AsyncIterable<string>) => {
  let s = "";
  for await (const l of gen) s += l;
  return s;
};

describe("importTasks", () => {
  it("imports valid lines and reports invalid ones with line and field", async () => {
    const s = await run(
      jsonl(
        task("a1"),
        "{not json",
        task("a2", { verifier: 42 }),
        task("a3", { environment: "nope" }),
        "",
        task("a4", { extra: 1 }),
        task("a5", { metadata: { k: [1, 2], z: "é" } }),
      ),
    );
    expect(s.status).toBe("done");
    expect(s.created).toBe(2);
    expect(s.errorCount).toBe(4);
    expect(s.errors).toEqual([
      { line: 2, message: expect.stringMatching(/^invalid JSON: /) },
      { line: 3, field: "verifier", message: "verifier must be a string" },
      { line: 4, field: "environment", message: expect.stringContaining("unknown environment 'nope' (known: ") },
      { line: 6, message: expect.stringContaining("unknown field 'extra'") },
    ]);
    const rows = await db.prisma.task.findMany({
      where: { batch: { name: s.batch.name } },
      select: { externalId: true, revisionCount: true },
    });
    expect(rows.map((r) => r.externalId).sort()).toEqual(["a1", "a5"]);
  });

  it("creates a revision only when content changed, and keeps metadata unchanged", async () => {
    await run(jsonl(task("r1", { metadata: { z: 1, a: { b: [true, null] } } }), task("r2")));
    const again = await run(
      jsonl(task("r1", { metadata: { z: 1, a: { b: [true, null] } } }), task("r2", { solution: "respond('other')" })),
    );
    expect(again).toMatchObject({ created: 0, revised: 1, unchanged: 1, errorCount: 0 });
    const r2 = await db.prisma.task.findFirstOrThrow({
      where: { externalId: "r2" },
      select: {
        revisionCount: true,
        currentRevision: { select: { number: true, solution: true, parentRevisionId: true } },
      },
    });
    expect(r2.revisionCount).toBe(2);
    expect(r2.currentRevision).toMatchObject({ number: 2, solution: "respond('other')" });
    expect(r2.currentRevision?.parentRevisionId).not.toBeNull();
    const out = await collect(exportTasks({ db }));
    const r1 = out.split("\n").find((l) => l.includes('"id":"r1"'))!;
    expect(r1).toContain('"metadata":{"z":1,"a":{"b":[true,null]}}');
  });

  it("treats the same id twice in one file as two revisions, in order", async () => {
    const s = await run(
      jsonl(task("d1"), task("d1", { instruction: "second" }), task("d1", { instruction: "second" })),
    );
    expect(s).toMatchObject({ created: 1, revised: 1, unchanged: 1 });
  });

  it("refuses bytes that are not UTF-8, NUL characters and over-long lines, keeping the rest", async () => {
    const bad = Buffer.concat([
      Buffer.from(jsonl(task("u1")).trimEnd() + '\n{"id": "u2\xff'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]);
    const huge = JSON.stringify(task("u3", { verifier: "x".repeat(10 * 1024 * 1024) }));
    const text = Buffer.concat([bad, Buffer.from(jsonl(task("u4", { solution: "a\u0000b" }), huge, task("u5")))]);
    const s = await run(text, { source: source(text, 64 * 1024) });
    expect(s.created).toBe(2);
    expect(s.errors).toEqual([
      { line: 2, message: expect.stringMatching(/^bytes are not valid UTF-8 \(first bad byte at column \d+\)$/) },
      { line: 3, field: "solution", message: "solution contains a NUL character" },
      { line: 4, message: "line is 10.0 MB, over the 8 MB limit; skipped" },
    ]);
  });

  it("fails an empty file and a file that is not JSONL at all, importing nothing", async () => {
    const empty = await run("");
    expect(empty).toMatchObject({ status: "failed", failure: "The file is empty: no tasks found.", created: 0 });
    const csv = Array.from({ length: 300 }, (_, i) => `col${i},value,${i}`).join("\n");
    const notJsonl = await run(csv);
    expect(notJsonl.status).toBe("failed");
    expect(notJsonl.failure).toMatch(/does not look like a CaT JSON Lines file/);
    expect(notJsonl.created).toBe(0);
    const record = await db.prisma.import.findUniqueOrThrow({
      where: { id: notJsonl.importId },
      select: { status: true, errorCount: true, batchId: true },
    });
    expect(record).toEqual({ status: "failed", errorCount: 200, batchId: null });
    // An import that kept nothing creates no batch and uses up no name.
    expect(notJsonl.batch.id).toBeNull();
    expect(
      await db.prisma.importBatch.count({ where: { name: { in: [notJsonl.batch.name, empty.batch.name] } } }),
    ).toBe(0);
  });

  it("appends an import to an existing batch; every task it created or revised belongs to that batch", async () => {
    const first = await run(jsonl(task("p1"), task("p2", { verifier: 1 })), { batchName: "append" });
    expect(first).toMatchObject({ created: 1, errorCount: 1 });
    // The refused line fixed, the same file again into the same batch: only the fixed line is new.
    const fixed = await run(jsonl(task("p1"), task("p2")), { batchName: "append" });
    expect(fixed).toMatchObject({
      created: 1,
      unchanged: 1,
      errorCount: 0,
      batch: { id: first.batch.id, name: "append" },
    });
    // A task revised by a later import under another batch belongs to both batches.
    const later = await run(jsonl(task("p1", { instruction: "revised" })), { batchName: "later" });
    expect(later).toMatchObject({ revised: 1 });
    const members = async (name: string) =>
      (
        await db.prisma.taskBatch.findMany({
          where: { batch: { name } },
          select: { task: { select: { externalId: true } } },
        })
      )
        .map((m) => m.task.externalId)
        .sort();
    expect(await members("append")).toEqual(["p1", "p2"]);
    expect(await members("later")).toEqual(["p1"]);
    expect(await db.prisma.import.count({ where: { batchName: "append" } })).toBe(2);
  });

  it("lets concurrent imports share one new batch name without errors", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => run(jsonl(task(`c${i}`)), { batchName: "together" })),
    );
    expect(results.every((r) => r.status === "done" && r.created === 1)).toBe(true);
    expect(new Set(results.map((r) => r.batch.id)).size).toBe(1);
    expect(await db.prisma.taskBatch.count({ where: { batch: { name: "together" } } })).toBe(12);
  });

  it("refuses a batch name that holds odd characters", async () => {
    await expect(run(jsonl(task("n3")), { batchName: "../etc" })).rejects.toThrow(/Invalid batch name/);
  });

  it("imports tagged text, with fences stripped and a default environment", async () => {
    const text = [
      "<id>t1</id>",
      "<instruction>Cancel order #W1.</instruction>",
      "<evaluation_function>",
      "```python",
      "def verify(state, answer):",
      "    return state['x'] < 3 and answer != '<b>'",
      "```",
      "</evaluation_function>",
      "<solution>cancel(order_id='#W1')</solution>",
      "<failure_case>pass</failure_case><failure_case>respond('no')</failure_case>",
      "<instruction>Second task</instruction><evaluation_function>def verify(s, a):",
      "    return False</evaluation_function><solution>pass</solution>",
      "<instruction>Broken</instruction><solution>pass</solution>",
    ].join("\n");
    const s = await run(text, { fileName: "gen.txt", defaultEnvironment: "calc" });
    expect(s.format).toBe("tagged");
    expect(s.created).toBe(2);
    expect(s.errors).toEqual([{ line: 13, field: "verifier", message: "verifier is required" }]);
    const t1 = await db.prisma.task.findFirstOrThrow({
      where: { externalId: "t1" },
      select: {
        environment: { select: { name: true } },
        currentRevision: { select: { verifier: true, failureCases: true } },
      },
    });
    expect(t1.environment.name).toBe("calc");
    expect(t1.currentRevision?.verifier).toBe(
      "def verify(state, answer):\n    return state['x'] < 3 and answer != '<b>'",
    );
    expect(t1.currentRevision?.failureCases).toEqual(["pass", "respond('no')"]);
  });

  it("round-trips: import -> export -> import gives the same tasks and no new revisions", async () => {
    const name = "rt-source";
    await run(
      jsonl(task("rt1", { metadata: { run: "x", n: 1.5 } }), {
        environment: "calc",
        instruction: "no id here",
        verifier: "def verify(s,a): return 1",
        solution: "",
        failure_cases: [],
      }),
      { batchName: name },
    );
    const first = await collect(exportTasks({ db, batch: name }));
    expect(first.trim().split("\n")).toHaveLength(2);
    const again = await run(first, { batchName: "rt-again" });
    expect(again).toMatchObject({ created: 0, revised: 0, unchanged: 2, errorCount: 0 });
    const lines = first
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      ...task("rt1", { metadata: { run: "x", n: 1.5 } }),
      verdict: { status: "pending" },
      review: { status: "unreviewed", revision: null, stale: false, override: null },
      strength: null, // not checked: never accepted
    });
    expect(lines[1].id).toMatch(/^auto-[0-9a-f]{16}$/);
  });
});

/** JSON text of `{"a": …}` nested `depth` levels deep in total (depth 1 is `{}`). */
const nested = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
const deepTask = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ ...task(id), ...extra });

describe("an import with a deeply nested line", () => {
  it("imports the lines before and after it and reports it with its line and field", async () => {
    const lines = [
      deepTask("before"),
      deepTask("deep", { metadata: "X" }).replace('"X"', nested(4_500)),
      deepTask("deeper", { metadata: "X" }).replace('"X"', nested(100_000)),
      deepTask("after"),
    ];
    const summary = await importTasks({ db, source: Readable.from([lines.join("\n")]), batchName: "deep" });
    expect(summary).toMatchObject({ status: "done", created: 2, errorCount: 2 });
    expect(summary.errors).toEqual([
      { line: 2, field: "metadata", message: "nested deeper than 64 levels" },
      { line: 3, field: "metadata", message: "nested deeper than 64 levels" },
    ]);
    const ids = await db.prisma.task.findMany({
      where: { batches: { some: { batch: { name: "deep" } } } },
      select: { externalId: true },
      orderBy: { externalId: "asc" },
    });
    expect(ids.map((t) => t.externalId)).toEqual(["after", "before"]);
  });
});
