// Works dataset exports: rare and long, so pg-boss's own polling loop is enough here.
import type { Db } from "../db/client";
import { runExportJob } from "../datasets/export-jobs";
import { EXPORT_QUEUE, getQueue } from "./queue";

export async function startExportWorker({ db }: { db: Db }): Promise<{ stop(): Promise<void> }> {
  const boss = await getQueue(db);
  await boss.work<{ exportId: number }>(EXPORT_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
    if (job) await runExportJob({ db, exportId: job.data.exportId });
  });
  return { stop: () => boss.offWork(EXPORT_QUEUE) };
}
