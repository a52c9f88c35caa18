// The demo a fresh install starts with: both packs registered through the sandbox, their tasks in
// their own batches, and every codeact task (stateless tools, called positionally) getting the
// verdict it was written to get.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "./db/client";
import { createTestDb } from "./db/test-db";
import { createSandbox, type Sandbox } from "./sandbox";
import { CODEACT_PACK_DIR, CODEACT_TASKS_FILE, seedDemoData } from "./seed";

let db: Db;
let sandbox: Sandbox;
beforeAll(async () => {
  db = await createTestDb();
  sandbox = createSandbox({ concurrency: 2 });
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  await db.close();
});

const codeact = fs
  .readFileSync(CODEACT_TASKS_FILE, "utf8")
  .trim()
  .split("\n")
  .map(
    (l) =>
      JSON.parse(l) as {
        id: string;
        verifier: string;
        solution: string;
        failure_cases: string[];
        metadata: { expected_reason: string | null };
      },
  );

describe("the demo", () => {
  it("registers the retail and codeact packs and imports each one's tasks into its own batch", async () => {
    const seeded = await seedDemoData({ db });
    expect(seeded).toMatchObject({ seeded: true, errors: 0 });
    const envs = await db.prisma.environment.findMany({
      select: { name: true, activePack: { select: { tools: true } } },
      orderBy: { name: "asc" },
    });
    expect(envs.map((e) => e.name)).toEqual(["codeact", "retail"]);
    expect(envs[0]!.activePack!.tools).toEqual(
      expect.arrayContaining(["reverse_string", "maximum_value", "caesar_decode", "vigenere_encode"]),
    );
    const batches = await db.prisma.importBatch.findMany({
      select: { name: true, _count: { select: { tasks: true } } },
      orderBy: { name: "asc" },
    });
    expect(batches.map((b) => [b.name, b._count.tasks])).toEqual([
      ["demo", 200],
      ["demo-codeact", codeact.length],
    ]);
    expect(await seedDemoData({ db })).toEqual({ seeded: false }); // once only
  });

  it("gives every codeact task the verdict it was written to get, its tools called positionally", async () => {
    const pack = { dir: CODEACT_PACK_DIR, hash: "demo-codeact" };
    const verdicts = await Promise.all(
      codeact.map((t) =>
        sandbox.runTask(pack, { verifier: t.verifier, solution: t.solution, failureCases: t.failure_cases }),
      ),
    );
    expect(Object.fromEntries(verdicts.map((v, i) => [codeact[i]!.id, v.reason]))).toEqual(
      Object.fromEntries(codeact.map((t) => [t.id, t.metadata.expected_reason])),
    );
    const calls = verdicts.flatMap((v) => v.cases.flatMap((c) => c.toolCalls));
    expect(calls.length).toBeGreaterThan(codeact.length);
    // positional calls are logged with their arguments as a list and the call as written
    const positional = calls.filter((c) => Array.isArray(c.args));
    expect(positional.length).toBeGreaterThan(codeact.length / 2);
    expect(positional.every((c) => c.call?.startsWith(`${c.name}(`))).toBe(true);
  });
});
