// Imports (one per upload) and the batches they append to.
import type { LineError } from "@/lib/cat";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { markInterruptedImports } from "./import-tasks";

const importSelect = {
  id: true,
  batchName: true,
  fileName: true,
  format: true,
  status: true,
  linesRead: true,
  createdCount: true,
  revisedCount: true,
  unchangedCount: true,
  errorCount: true,
  failure: true,
  createdAt: true,
  finishedAt: true,
} as const;

export async function listImports({ db }: { db: Db }) {
  // A list that says "running" must mean it: imports whose process died are found here too.
  await markInterruptedImports({ db });
  return db.prisma.import.findMany({ select: importSelect, orderBy: { id: "desc" }, take: 100 });
}

export async function getImport({ db, id }: { db: Db; id: number }) {
  const row = await db.prisma.import.findUnique({ where: { id }, select: { ...importSelect, errors: true } });
  if (!row) throw new AppError("NOT_FOUND", `Import ${id} does not exist.`);
  return { ...row, errors: row.errors as unknown as LineError[] };
}

/** Batches with how many tasks belong to each. */
export async function listBatches({ db }: { db: Db }) {
  const rows = await db.prisma.importBatch.findMany({
    select: { id: true, name: true, createdAt: true, _count: { select: { members: true, imports: true } } },
    orderBy: { id: "desc" },
    take: 500,
  });
  return rows.map(({ _count, ...b }) => ({ ...b, tasks: _count.members, imports: _count.imports }));
}
