import { getDb } from "./db/client";
import { serverEnv } from "./env";
import { startWorker } from "./jobs/worker";
import { seedDemoData } from "./seed";

export async function bootServer(): Promise<void> {
  const started = Date.now();
  const db = await getDb();
  console.log(`[boot] database ready in ${Date.now() - started} ms`);
  if (serverEnv().seedDemo) {
    try {
      const seeded = await seedDemoData({ db });
      if (seeded.seeded) console.log(`[boot] demo data loaded: pack ${seeded.pack.name}@${seeded.pack.hash.slice(0, 12)}, ${seeded.tasks} tasks`);
    } catch (err) {
      // The app is still useful without the demo; say why it is missing.
      console.error("[boot] could not load the demo data:", err);
    }
  }
  // One process is enough for the embedded setup: the web server also works the filter queue.
  if (serverEnv().inProcessWorker) {
    try {
      const worker = await startWorker({ db });
      process.once("SIGTERM", () => void worker.stop());
    } catch (err) {
      console.error("[boot] the in-process worker did not start (run `npm run worker`):", err);
    }
  }
}
