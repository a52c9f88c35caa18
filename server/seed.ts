// Demo data on first start, so a fresh install shows real work: the retail pack (a store's database,
// tools called with keyword arguments) and the codeact pack (stateless string, cipher and arithmetic
// tools, called positionally as code-action agents write them), each with its demo tasks.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "./db/client";
import { registerPack } from "./packs/register-pack";
import { importTasks } from "./tasks/import-tasks";

export const DEMO_PACK_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "packs", "retail");
export const DEMO_TASKS_FILE = path.join(/*turbopackIgnore: true*/ process.cwd(), "demo", "tasks.jsonl");
export const CODEACT_PACK_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "packs", "codeact");
export const CODEACT_TASKS_FILE = path.join(/*turbopackIgnore: true*/ process.cwd(), "demo", "codeact-tasks.jsonl");

const DEMOS = [
  { pack: DEMO_PACK_DIR, env: "retail", tasks: DEMO_TASKS_FILE, batch: "demo" },
  { pack: CODEACT_PACK_DIR, env: "codeact", tasks: CODEACT_TASKS_FILE, batch: "demo-codeact" },
];

/** Loads the demo when the database holds no task yet; returns what it did. */
export async function seedDemoData({ db }: { db: Db }) {
  if ((await db.prisma.task.count({ take: 1 })) > 0) return { seeded: false as const };
  const packs = [];
  let tasks = 0;
  let errors = 0;
  for (const demo of DEMOS) {
    packs.push(await registerPack({ db, dir: demo.pack, name: demo.env }));
    const taken = await db.prisma.importBatch.findUnique({ where: { name: demo.batch }, select: { id: true } });
    const summary = await importTasks({
      db,
      source: fs.createReadStream(demo.tasks),
      fileName: path.basename(demo.tasks),
      batchName: taken ? `${demo.batch}-${Date.now()}` : demo.batch,
    });
    tasks += summary.created;
    errors += summary.errorCount;
  }
  return { seeded: true as const, pack: packs[0]!, packs, tasks, errors };
}
