// docs/api.md's example is a script in the repository (examples/api_example.py, standard library
// only): it runs against the production server with a curator's token, twice in a row. The second
// run must succeed too and change nothing: same decisions, no new version.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { startAppServer, type AppServer } from "../testing/app-server";
import { registerFixturePack, tokenFor } from "../testing/fixtures";

let db: Db;
let app: AppServer;
let out: string;
let token: string;
let curatorId: number;

beforeAll(async () => {
  db = await createTestDb();
  await registerFixturePack(db, "retail");
  const t = await tokenFor(db, "curator");
  token = t.token;
  curatorId = t.actor.id;
  out = fs.mkdtempSync(path.join(os.tmpdir(), "cat-example-"));
  app = await startAppServer({ DATABASE_URL: db.url, CAT_WORKER: "1" });
}, 180_000);
afterAll(async () => {
  await app?.stop();
  await db?.close();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

function runExample(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/python3", ["examples/api_example.py"], {
      env: { ...process.env, CAT_API: app.url, CAT_TOKEN: token, CAT_EXAMPLE_OUT: out },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1)!);

describe("examples/api_example.py against a live server", () => {
  it("imports, filters, fixes, reviews, publishes and downloads", async () => {
    const first = await runExample();
    expect(first.code, `${first.stdout}\n${first.stderr}\n${app.log()}`).toBe(0);
    expect(first.stdout).toContain("saved revision 2 of api-example-0004");
    expect(lastJson(first.stdout)).toEqual({
      dataset: "api-example",
      version: 1,
      newVersion: true,
      tasks: 4,
      excluded: 0,
    });
    const lines = fs
      .readFileSync(path.join(out, "api-example-v1.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual([
      "api-example-0001",
      "api-example-0002",
      "api-example-0003",
      "api-example-0004",
    ]);
    expect(lines.find((l) => l.id === "api-example-0004").verifier).toContain("== '7'");
    // Everything it did is attributed to the token's user.
    const events = await db.prisma.reviewEvent.findMany({
      where: { task: { batch: { name: "api-example" } } },
      select: { userId: true },
    });
    expect(events.length).toBeGreaterThan(4);
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set([curatorId]));
    const version = await db.prisma.datasetVersion.findFirstOrThrow({
      where: { dataset: { name: "api-example" } },
      select: { authorId: true },
    });
    expect(version.authorId).toBe(curatorId);
  }, 300_000);

  it("runs again without error and changes nothing", async () => {
    const second = await runExample();
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(second.stdout).toContain("import: batch api-example is there already");
    expect(second.stdout).not.toContain("saved revision");
    expect(lastJson(second.stdout)).toEqual({
      dataset: "api-example",
      version: 1,
      newVersion: false,
      tasks: 4,
      excluded: 0,
    });
    expect(await db.prisma.datasetVersion.count()).toBe(1);
    expect(await db.prisma.taskRevision.count({ where: { task: { externalId: "api-example-0004" } } })).toBe(2);
  }, 300_000);
});
