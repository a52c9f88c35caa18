import { getDb } from "./db/client";
import { serverEnv } from "./env";
import { startWorker } from "./jobs/worker";
import { requestRerun } from "./filter/request-rerun";
import { seedDemoData } from "./seed";
import { sandboxProblem } from "./system/get-system-status";
import { markInterruptedImports } from "./tasks/import-tasks";

export async function bootServer(): Promise<void> {
  const started = Date.now();
  const db = await getDb();
  console.log(`[boot] database ready in ${Date.now() - started} ms`);
  // Imports whose process died while this server was down would otherwise say "running" forever.
  const interrupted = await markInterruptedImports({ db }).catch(() => 0);
  if (interrupted)
    console.log(`[boot] ${interrupted} import(s) were interrupted by a stop; what they committed is kept`);
  const problem = await sandboxProblem();
  if (problem)
    console.error(`[boot] this machine cannot run the sandbox, so filter runs wait for a worker that can: ${problem}`);
  if (serverEnv().seedDemo) {
    try {
      const seeded = await seedDemoData({ db });
      if (seeded.seeded) {
        console.log(`[boot] demo data loaded: ${seeded.tasks} tasks`);
        // A newcomer's first look should show verdicts, not 200 × "pending": run the filter on the
        // demo now (the in-process worker, or any worker, picks it up; the list shows its progress).
        const { taskCount } = await requestRerun({ db, filter: {}, scope: "first start: the demo tasks" });
        console.log(`[boot] the CaT filter is running on the ${taskCount} demo tasks`);
      }
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
