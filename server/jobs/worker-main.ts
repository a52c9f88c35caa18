// `npm run worker`: a worker process for every kind of background job. Run any number, on any
// machine with the same DATABASE_URL (each with its own CAT_DATA_DIR).
import { getDb } from "../db/client";
import { startWorker } from "./worker";

const db = await getDb();
const worker = await startWorker({ db });
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing the jobs in flight…`);
  await worker.stop();
  await db.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
