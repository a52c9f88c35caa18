// Demo data on first start: the retail pack and its demo tasks, so a fresh install shows real work.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "./db/client";
import { registerPack } from "./packs/register-pack";
import { importTasks } from "./tasks/import-tasks";

export const DEMO_PACK_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "packs", "retail");
export const DEMO_TASKS_FILE = path.join(/*turbopackIgnore: true*/ process.cwd(), "demo", "tasks.jsonl");

/** Loads the demo when the database holds no task yet; returns what it did. */
export async function seedDemoData({ db }: { db: Db }) {
  if ((await db.prisma.task.count({ take: 1 })) > 0) return { seeded: false as const };
  const pack = await registerPack({ db, dir: DEMO_PACK_DIR, name: "retail" });
  const taken = await db.prisma.importBatch.findUnique({ where: { name: "demo" }, select: { id: true } });
  const summary = await importTasks({ db, source: fs.createReadStream(DEMO_TASKS_FILE), fileName: "tasks.jsonl", batchName: taken ? `demo-${Date.now()}` : "demo" });
  return { seeded: true as const, pack, tasks: summary.created, errors: summary.errorCount };
}
