// `npm run worker`: a filter worker process. Run any number, on any machine with the same DATABASE_URL.
import { getDb } from "../db/client";
import { startExportWorker } from "./export-worker";
import { startFilterWorker } from "./filter-worker";
import { stopQueue } from "./queue";

const db = await getDb();
const worker = await startFilterWorker({ db });
const exports = await startExportWorker({ db });
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing the runs in flight…`);
  await Promise.all([worker.stop(), exports.stop()]);
  await stopQueue(db);
  await db.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
