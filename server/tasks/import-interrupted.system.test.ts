// kill -9 during an import: what it committed stays, the import is found interrupted (not running
// forever), its counts are recounted from what it wrote, and the same file goes into the same batch.
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { importTasks, markInterruptedImports } from "./import-tasks";

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.create({ data: { name: "retail" } });
});
afterAll(() => db.close());

const line = (i: number) =>
  JSON.stringify({
    id: `k${i}`,
    environment: "retail",
    instruction: `task ${i}`,
    verifier: "def verify(state, answer):\n    return True\n",
    solution: "pass",
    failure_cases: [],
  });

// A child process importing an endless, slow stream: 600 lines at once (one chunk of 500 commits),
// then a line every 50 ms, forever.
const CHILD = `
import { Readable } from "node:stream";
import { openDb } from "./server/db/client";
import { importTasks } from "./server/tasks/import-tasks";
const line = ${line.toString()};
const db = await openDb(process.env.DATABASE_URL);
async function* source() {
  yield Array.from({ length: 600 }, (_, i) => line(i)).join("\\n") + "\\n";
  for (let i = 600; ; i++) { await new Promise((r) => setTimeout(r, 50)); yield line(i) + "\\n"; }
}
await importTasks({ db, source: source(), batchName: "killed" });
`;

describe("an import killed mid-way", () => {
  it("is marked interrupted and recounted, and the file can be imported again into the same batch", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
      env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const until = Date.now() + 60_000;
    for (;;) {
      const rec = await db.prisma.import.findFirst({ where: { batchName: "killed" }, select: { createdCount: true } });
      if (rec && rec.createdCount >= 500) break;
      if (child.exitCode !== null || Date.now() > until) throw new Error(`the child import did not get going: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // While it runs, it is not mistaken for a dead one.
    expect(await markInterruptedImports({ db })).toBe(0);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const before = await db.prisma.import.findFirstOrThrow({
      where: { batchName: "killed" },
      select: { id: true, status: true },
    });
    expect(before.status).toBe("running");
    const committed = await db.prisma.taskRevision.count({ where: { importId: before.id } });
    expect(committed).toBeGreaterThanOrEqual(500);
    // The lock of a killed process is gone once Postgres notices its connection closed.
    const deadline = Date.now() + 20_000;
    while ((await markInterruptedImports({ db })) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const after = await db.prisma.import.findUniqueOrThrow({
      where: { id: before.id },
      select: { status: true, createdCount: true, failure: true },
    });
    expect(after).toMatchObject({
      status: "interrupted",
      createdCount: committed,
      failure: expect.stringContaining("import the file again into the same batch"),
    });

    const again = await importTasks({
      db,
      source: Readable.from([Array.from({ length: 800 }, (_, i) => line(i)).join("\n")]),
      batchName: "killed",
    });
    expect(again).toMatchObject({ status: "done", created: 800 - committed, unchanged: committed });
    expect(await db.prisma.taskBatch.count({ where: { batch: { name: "killed" } } })).toBe(800);
  }, 120_000);
});
