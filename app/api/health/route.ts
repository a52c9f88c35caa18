// Readiness: 200 once the database is up and migrated, 503 with the reason while it is not (used by
// tests and process managers).
import { isDatabaseUnavailable } from "@/server/db/availability";
import { getDb } from "@/server/db/client";
import { serverEnv } from "@/server/env";
import { listWorkers } from "@/server/jobs/queue";
import { sandboxProblem } from "@/server/system/get-system-status";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handleGet(): Promise<Response> {
  try {
    const db = await getDb();
    await db.prisma.$queryRaw`select 1`;
    // Readiness is about the database; the sandbox line says whether this machine can run filter runs.
    const problem = await sandboxProblem();
    // Every worker process (on any machine) with its last heartbeat, and why it takes no filter runs.
    const workers = await listWorkers(db, serverEnv().jobLeaseSeconds);
    return Response.json({ ok: true, database: "ok", sandbox: problem === null ? "ok" : problem, workers });
  } catch (err) {
    if (!isDatabaseUnavailable(err)) console.error("[health]", err);
    return Response.json(
      { ok: false, database: "unavailable", message: "The database is unavailable; the app keeps retrying." },
      { status: 503 },
    );
  }
}

export const GET = guarded(handleGet);
