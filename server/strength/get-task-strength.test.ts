// What the task page reads about a check while a worker finishes it. A worker closes the check and
// sets the task's strength in one statement; a reader must never see one without the other. Seen
// torn in an e2e run: the history said "done, suspected lenient" while the task still said "not
// checked", nothing was pending any more, and the panel stopped polling on the wrong answer.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { acceptedTask, importLines, registerFixturePack } from "../testing/fixtures";
import type { StrengthReport } from "../sandbox";
import { getTaskStrength } from "./get-task-strength";
import { recordStrength } from "./run-strength-check";

let db: Db;
let taskId: number;
let revisionId: number;

beforeAll(async () => {
  db = await createTestDb();
  await registerFixturePack(db, "calc");
  await importLines(db, "torn", [acceptedTask("t", "calc")]);
  const task = await db.prisma.task.findFirstOrThrow({ select: { id: true, currentRevisionId: true } });
  taskId = task.id;
  revisionId = task.currentRevisionId!;
});
afterAll(() => db?.close());

/** A leak found: the report recordStrength turns into "suspected lenient". */
const LENIENT: StrengthReport = {
  variants: 6,
  leaks: 1,
  flaky: false,
  unreadWrites: [],
  unreadWritesTotal: 0,
  probes: [],
  solution: { outcome: "pass", stateDiff: null, messages: [], stateChanged: true },
  flakiness: { rerunOutcome: "pass", reasons: [], hashSeedVaried: true },
  notes: [],
};

/** A check claimed by a worker, then finished by the worker's own writer (check and task in one statement). */
async function runOneCheck() {
  const {
    rows: [check],
  } = await db.pool.query<{ id: number }>(
    `insert into strength_checks (task_id, revision_id, status, worker_id, started_at) values ($1, $2, 'running', 'w', now()) returning id`,
    [taskId, revisionId],
  );
  expect(await recordStrength(db, check!.id, "w", LENIENT, 1)).toBe(true);
}

it("shows a finished check on the task as soon as the history shows it done, read while checks finish", async () => {
  const CHECKS = 150;
  let writing = true;
  const writer = (async () => {
    try {
      for (let i = 0; i < CHECKS; i++) await runOneCheck();
    } finally {
      writing = false;
    }
  })();
  let reads = 0;
  let settledReads = 0;
  while (writing) {
    const s = await getTaskStrength({ db, taskId });
    reads++;
    const newestDone = s.history.find((h) => h.status === "done");
    if (s.pending) continue;
    settledReads++;
    // Nothing on its way: what the task shows is the newest finished check, or none at all.
    expect({ shown: s.check?.id ?? null, status: s.status }).toEqual({
      shown: newestDone?.id ?? null,
      status: newestDone ? "lenient" : "unchecked",
    });
  }
  await writer;
  // The race was exercised: many reads, some of them with nothing pending while checks kept finishing.
  expect(reads).toBeGreaterThan(CHECKS / 3);
  expect(settledReads).toBeGreaterThan(10);
  const last = await getTaskStrength({ db, taskId });
  expect(last.history.filter((h) => h.status === "done")).toHaveLength(20);
  expect(last.check?.id).toBe(last.history[0]!.id);
});
