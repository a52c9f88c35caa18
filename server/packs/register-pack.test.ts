// Pack versions and TOOL_SCHEMAS on the real database and the real sandbox: a second pack under a
// taken name is refused unless registered deliberately as a new version, the active version is what
// runs use, and pack-written schemas never reach the page as anything but strings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testUser } from "../testing/fixtures";
import { createCaller } from "../api/root";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { requestRerun } from "../filter/request-rerun";
import { importTasks } from "../tasks/import-tasks";
import { listEnvironments } from "./list-environments";
import { registerPack } from "./register-pack";
import { setActivePack } from "./set-active-pack";
import { checkToolSchemas, describeToolSchemas } from "./tool-schemas";

let db: Db;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "cat-register-test-"));

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A pack directory whose env.py holds `body` after the usual definitions. */
function packDir(name: string, body = ""): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "env.py"),
    `TOOLS = {"ping": lambda state: "pong"}\ndef load_state():\n    return {}\n${body}`,
  );
  return dir;
}

async function packIdsOfRerun(rerunId: number): Promise<Array<number | null>> {
  const runs = await db.prisma.filterRun.findMany({ where: { rerunId }, select: { packId: true } });
  return runs.map((r) => r.packId);
}

describe("registerPack with versions", () => {
  it("refuses other content under an existing name unless it is deliberately a new version, which then runs", async () => {
    const v1 = await registerPack({ db, dir: packDir("shop-v1"), name: "shop" });
    expect(v1).toMatchObject({ name: "shop", version: 1, active: true, created: true, tools: ["ping"] });
    const task = {
      id: "s1",
      environment: "shop",
      instruction: "Ping.",
      verifier: "def verify(s, a):\n    return True",
      solution: "ping()",
      failure_cases: ["pass"],
    };
    await importTasks({ db, source: Readable.from([JSON.stringify(task)]), batchName: "shop-tasks" });
    const taskIds = (await db.prisma.task.findMany({ select: { id: true } })).map((t) => t.id);

    const otherDir = packDir("shop-v2", "# a different pack\n");
    const refused = registerPack({ db, dir: otherDir, name: "shop" });
    await expect(refused).rejects.toMatchObject({
      code: "CONFLICT",
      message: `shop already exists (version 1, ${v1.hash.slice(0, 12)}…); register it as a new version of shop deliberately (--new-version / newVersion=1).`,
    });
    expect(await db.prisma.pack.count()).toBe(1);
    const before = await requestRerun({ db, taskIds });
    expect(await packIdsOfRerun(before.rerunId)).toEqual([v1.packId]);

    // The same content again is a no-op, with or without newVersion.
    expect(await registerPack({ db, dir: packDir("shop-v1"), name: "shop" })).toMatchObject({
      created: false,
      version: 1,
      active: true,
      hash: v1.hash,
    });

    const v2 = await registerPack({ db, dir: otherDir, name: "shop", newVersion: true });
    expect(v2).toMatchObject({ version: 2, active: true, created: true });
    const after = await requestRerun({ db, taskIds });
    expect(await packIdsOfRerun(after.rerunId)).toEqual([v2.packId]);

    // The previous version stays selectable, and reruns follow the choice.
    const back = await setActivePack({ db, environment: "shop", packHash: v1.hash });
    expect(back).toMatchObject({
      environment: "shop",
      version: 1,
      hash: v1.hash,
      previous: { version: 2, hash: v2.hash },
    });
    const rolledBack = await requestRerun({ db, taskIds });
    expect(await packIdsOfRerun(rolledBack.rerunId)).toEqual([v1.packId]);
    // Runs queued earlier keep the pack they were queued with.
    expect(await packIdsOfRerun(after.rerunId)).toEqual([v2.packId]);

    const listed = (await listEnvironments({ db })).find((e) => e.name === "shop")!;
    expect(listed.versions.map((v) => [v.version, v.hash, v.active, v.toolCount, v.createdBy])).toEqual([
      [1, v1.hash, true, 1, "Local researcher"],
      [2, v2.hash, false, 1, "Local researcher"],
    ]);
    expect(listed.active).toMatchObject({ version: 1 });

    // The refusal names an older active version the same way.
    await expect(registerPack({ db, dir: packDir("shop-v3", "# third\n"), name: "shop" })).rejects.toThrow(
      `shop already exists (version 1, ${v1.hash.slice(0, 12)}…)`,
    );
  });

  it("refuses newVersion for an environment that does not exist, and bad hashes or names in setActivePack", async () => {
    await expect(registerPack({ db, dir: packDir("ghost"), name: "ghost", newVersion: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("There is no environment ghost to add a version to"),
    });
    expect(await db.prisma.environment.findUnique({ where: { name: "ghost" } })).toBeNull();
    await expect(setActivePack({ db, environment: "nope", packHash: "0".repeat(64) })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(setActivePack({ db, environment: "shop", packHash: "f".repeat(64) })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "shop has no pack version ffffffffffff…",
    });
    await expect(setActivePack({ db, environment: "shop", packHash: "../../etc" })).rejects.toMatchObject({
      code: "BAD_INPUT",
    });
  });

  it("switches the active version through tRPC, which the page uses", async () => {
    const caller = createCaller({ db, actor: await testUser(db, "admin") });
    const shop = (await caller.environment.list()).find((e) => e.name === "shop")!;
    const v2 = shop.versions.find((v) => v.version === 2)!;
    await expect(caller.environment.setActivePack({ environment: "shop", packHash: v2.hash })).resolves.toMatchObject({
      version: 2,
    });
    expect((await caller.environment.list()).find((e) => e.name === "shop")!.active).toMatchObject({
      version: 2,
      hash: v2.hash,
    });
    await expect(caller.environment.setActivePack({ environment: "shop", packHash: "zz" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("registers two different new environments at once without either overwriting the other", async () => {
    const [a, b] = await Promise.allSettled([
      registerPack({ db, dir: packDir("race-a", "# a\n"), name: "race" }),
      registerPack({ db, dir: packDir("race-b", "# b\n"), name: "race" }),
    ]);
    const outcomes = [a, b]
      .map((r) => (r.status === "fulfilled" ? "registered" : (r.reason as { code: string }).code))
      .sort();
    expect(outcomes).toEqual(["CONFLICT", "registered"]);
    expect(await db.prisma.pack.count({ where: { environment: { name: "race" } } })).toBe(1);
  });
});

describe("TOOL_SCHEMAS", () => {
  it("accepts both common function-calling forms and refuses anything else naming the entry and field", () => {
    expect(
      checkToolSchemas([
        {
          type: "function",
          function: { name: "a", description: "A.", parameters: { type: "object", properties: {} } },
          strict: true,
        },
        { name: "b" },
        { name: "c", description: "C.", parameters: { type: "object" } },
      ]),
    ).toHaveLength(3);
    expect(checkToolSchemas(null)).toBeNull();
    const refusal = (value: unknown) => {
      try {
        checkToolSchemas(value);
        return "accepted";
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(refusal([{ name: "ok" }, { type: "function", function: { name: "x", description: { text: "hi" } } }])).toBe(
      "The pack's TOOL_SCHEMAS[1].function.description must be a string when present, not an object.",
    );
    expect(refusal([{ name: 3 }])).toBe("The pack's TOOL_SCHEMAS[0].name must be a string, not a number.");
    expect(refusal([{ description: "no name" }])).toBe("The pack's TOOL_SCHEMAS[0].name is required.");
    expect(refusal([{ name: "p", parameters: [1, 2] }])).toBe(
      "The pack's TOOL_SCHEMAS[0].parameters must be a JSON object, not an array.",
    );
    expect(refusal([{ type: "function", function: "f" }])).toBe(
      "The pack's TOOL_SCHEMAS[0].function must be an object, not a string.",
    );
    expect(refusal(["f"])).toMatch(/^The pack's TOOL_SCHEMAS\[0\] must be an object/);
    expect(refusal({ name: "f" })).toBe(
      "The pack's TOOL_SCHEMAS must be a list of function descriptions, not an object.",
    );
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    expect(refusal([{ name: "d", parameters: deep }])).toBe(
      "The pack's TOOL_SCHEMAS[0].parameters is nested deeper than 64 levels.",
    );
  });

  it("refuses at registration a pack whose schema has a non-string description, storing nothing", async () => {
    const dir = packDir(
      "bad-schemas",
      'TOOL_SCHEMAS = [{"type": "function", "function": {"name": "ping", "description": {"$$typeof": "react.element"}}}]\n',
    );
    await expect(registerPack({ db, dir, name: "bad-schemas" })).rejects.toMatchObject({
      code: "BAD_INPUT",
      message: "The pack's TOOL_SCHEMAS[0].function.description must be a string when present, not an object.",
    });
    expect(await db.prisma.environment.findUnique({ where: { name: "bad-schemas" } })).toBeNull();
  });

  it("gives the page strings only, even for schemas stored before they were checked", async () => {
    const env = await db.prisma.environment.create({ data: { name: "legacy" } });
    const pack = await db.prisma.pack.create({
      data: {
        environmentId: env.id,
        version: 1,
        hash: "a".repeat(64),
        fileCount: 1,
        sizeBytes: 1n,
        tools: ["x"],
        toolSchemas: [
          {
            type: "function",
            function: {
              name: "x",
              description: { $$typeof: "react.element", props: {} },
              parameters: { properties: { q: { type: ["string", "null"], description: 5 } } },
            },
          },
          {
            type: "function",
            function: {
              name: "y",
              description: "Y.",
              parameters: { properties: { n: { type: { weird: true } } }, required: "n" },
            },
          },
          42,
        ],
      },
    });
    await db.prisma.environment.update({ where: { id: env.id }, data: { activePackId: pack.id } });
    const legacy = (await listEnvironments({ db })).find((e) => e.name === "legacy")!;
    expect(legacy.tools).toEqual([
      { name: "x", description: null, parameters: [], raw: expect.stringContaining('"$$typeof":"react.element"') },
      {
        name: "y",
        description: "Y.",
        parameters: [{ name: "n", type: '{"weird":true}', required: false, description: null }],
        raw: null,
      },
      { name: "entry 2", description: null, parameters: [], raw: "42" },
    ]);
    // Whatever the stored value, every leaf the page renders is a string, a boolean or null.
    const leaves = (v: unknown): unknown[] => (v && typeof v === "object" ? Object.values(v).flatMap(leaves) : [v]);
    for (const stored of [
      legacy.tools,
      describeToolSchemas({ not: "a list" }),
      describeToolSchemas([[{}], null, { function: 1 }]),
    ]) {
      expect(leaves(stored).every((x) => typeof x === "string" || typeof x === "boolean" || x === null)).toBe(true);
    }
  });
});
