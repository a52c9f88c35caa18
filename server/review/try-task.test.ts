// Try is interactive: one user's slow tries must not hold another user's, and one user runs one Try
// at a time. Real sandbox, real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { registerPack } from "../packs/register-pack";
import { createSandbox, type Sandbox } from "../sandbox";
import { BASIC } from "../sandbox/test-helpers";
import { acceptedTask, importLines } from "../testing/fixtures";
import { tryTaskEdit } from "./try-task";

let db: Db;
let sandbox: Sandbox;
let taskId: number;
let other: number;

beforeAll(async () => {
  db = await createTestDb();
  // One zygote, as on a busy server; cases time out after 2 s.
  sandbox = createSandbox({ concurrency: 1 });
  await registerPack({ db, dir: BASIC.dir, name: "calc", caseTimeoutMs: 2000 });
  await importLines(db, "try", [acceptedTask("t1", "calc")]);
  taskId = (await db.prisma.task.findFirstOrThrow({ select: { id: true } })).id;
  other = (await db.prisma.user.create({ data: { name: "Other reviewer" }, select: { id: true } })).id;
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  await db.close();
});

const content = {
  instruction: "Answer 4.",
  verifier: "def verify(state, answer):\n    return answer == '4'\n",
  solution: "respond('4')",
  failureCases: ["respond('5')"],
};
const slow = { ...content, failureCases: Array.from({ length: 6 }, () => "import time\ntime.sleep(30)") };

describe("Try", () => {
  it("lets another user's quick Try through while one user's slow Try runs, and allows one Try per user at a time", async () => {
    const order: string[] = [];
    const a = tryTaskEdit({ db, taskId, content: slow, userId: db.defaultUserId, sandbox }).then((r) => {
      order.push("slow");
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    await expect(tryTaskEdit({ db, taskId, content, userId: db.defaultUserId, sandbox })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("previous Try is still running"),
    });
    const b = tryTaskEdit({ db, taskId, content, userId: other, sandbox }).then((r) => {
      order.push("quick");
      return r;
    });
    const [slowResult, quickResult] = await Promise.all([a, b]);
    expect(order).toEqual(["quick", "slow"]);
    expect(quickResult.after).toEqual({ status: "accepted", reason: null });
    expect(slowResult.cases.filter((c) => c.role === "failure").every((c) => c.outcome === "timeout")).toBe(true);
    // The first user can try again once theirs is done.
    expect((await tryTaskEdit({ db, taskId, content, userId: db.defaultUserId, sandbox })).after.status).toBe(
      "accepted",
    );
  }, 120_000);
});
