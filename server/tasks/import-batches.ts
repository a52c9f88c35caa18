import type { LineError } from "@/lib/cat";
import type { Db } from "../db/client";
import { AppError } from "../errors";

const batchSelect = {
  id: true,
  name: true,
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
  _count: { select: { tasks: true } },
} as const;

export async function listImportBatches({ db }: { db: Db }) {
  return db.prisma.importBatch.findMany({ select: batchSelect, orderBy: { id: "desc" }, take: 100 });
}

export async function getImportBatch({ db, id }: { db: Db; id: number }) {
  const batch = await db.prisma.importBatch.findUnique({ where: { id }, select: { ...batchSelect, errors: true } });
  if (!batch) throw new AppError("NOT_FOUND", `Import batch ${id} does not exist.`);
  return { ...batch, errors: batch.errors as unknown as LineError[] };
}
