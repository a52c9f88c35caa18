// Big exports run as background jobs on the same queue as the filter: a row with live progress, a
// file kept in the data directory, a download when it is done.
import fs from "node:fs";
import path from "node:path";
import * as tar from "tar";
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { AppError } from "../errors";
import { failRow, notifyWorkers } from "../jobs/queue";
import type { JobOutcome } from "../jobs/worker";
import { resolveVersion } from "./datasets";
import { exportDataset, type ExportFormat } from "./export-dataset";

export async function requestExport({
  db,
  ref,
  format,
  userId,
}: {
  db: Db;
  ref: string;
  format: ExportFormat;
  userId: number;
}) {
  const { dataset, version } = await resolveVersion(db, ref);
  const total = await db.prisma.datasetVersionItem.count({ where: { versionId: version.id } });
  // The queued row is the job (server/jobs/queue.ts); a worker claims it.
  const row = await db.prisma.datasetExport.create({
    data: { versionId: version.id, format, total, requestedById: userId },
    select: { id: true },
  });
  await notifyWorkers(db, "dataset_exports");
  return { exportId: row.id, dataset: dataset.name, version: version.number, format, total };
}

export async function getExport({ db, exportId }: { db: Db; exportId: number }) {
  const e = await db.prisma.datasetExport.findUnique({
    where: { id: exportId },
    select: {
      id: true,
      format: true,
      status: true,
      done: true,
      total: true,
      bytes: true,
      error: true,
      createdAt: true,
      finishedAt: true,
      path: true,
      version: { select: { number: true, dataset: { select: { name: true } } } },
    },
  });
  if (!e) throw new AppError("NOT_FOUND", `Export ${exportId} does not exist.`);
  const { path: file, ...rest } = e;
  return {
    ...rest,
    bytes: e.bytes === null ? null : Number(e.bytes),
    dataset: e.version.dataset.name,
    versionNumber: e.version.number,
    ready: e.status === "done" && !!file,
    fileName: file ? path.basename(file) : null,
  };
}

/** The finished export's file, for download. */
export async function exportFile({ db, exportId }: { db: Db; exportId: number }): Promise<string> {
  const e = await db.prisma.datasetExport.findUnique({ where: { id: exportId }, select: { status: true, path: true } });
  if (!e) throw new AppError("NOT_FOUND", `Export ${exportId} does not exist.`);
  if (e.status !== "done" || !e.path || !fs.existsSync(e.path))
    throw new AppError("CONFLICT", `Export ${exportId} is ${e.status}: nothing to download yet.`);
  return e.path;
}

/** Works one claimed export (fenced on the claiming worker, like a filter run). */
export async function runExportJob({
  db,
  exportId,
  workerId,
}: {
  db: Db;
  exportId: number;
  workerId: string;
}): Promise<JobOutcome> {
  const e = await db.prisma.datasetExport.findUnique({
    where: { id: exportId },
    select: {
      status: true,
      workerId: true,
      format: true,
      version: { select: { number: true, dataset: { select: { name: true } } } },
    },
  });
  if (e?.status !== "running" || e.workerId !== workerId) return "lost";
  const mine = { id: exportId, workerId, status: "running" as const };
  await db.prisma.datasetExport.updateMany({ where: mine, data: { done: 0, error: null } });
  // The export's own directory, named by its id: a retried job starts from an empty one.
  const dir = path.join(serverEnv().dataDir, "exports", String(exportId));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const format = e.format as ExportFormat;
  const base = `${e.version.dataset.name}-v${e.version.number}`;
  const out = path.join(dir, format === "hf" ? base : `${base}.${format}`);
  let last = 0;
  try {
    const r = await exportDataset({
      db,
      ref: `${e.version.dataset.name}@${e.version.number}`,
      format,
      out,
      onProgress: (n) => {
        if (Date.now() - last < 500) return;
        last = Date.now();
        void db.prisma.datasetExport.updateMany({ where: mine, data: { done: n } }).catch(() => undefined);
      },
    });
    let file = out;
    if (format === "hf") {
      file = `${out}-hf.tar.gz`;
      await tar.c({ gzip: true, file, cwd: dir, portable: true }, [path.basename(out)]);
    }
    const { count } = await db.prisma.datasetExport.updateMany({
      where: mine,
      data: {
        status: "done",
        done: r.tasks,
        path: file,
        bytes: BigInt(fs.statSync(file).size),
        finishedAt: new Date(),
        workerId: null,
        leaseUntil: null,
      },
    });
    return count ? "done" : "lost";
  } catch (err) {
    await failRow(db, "dataset_exports", workerId, exportId, (err as Error).message);
    return "failed";
  }
}
