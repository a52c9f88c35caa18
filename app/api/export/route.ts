// GET the tasks as a CaT JSON Lines download, streamed page by page.
import { authorize } from "@/server/auth/authorize";
import { errorResponse } from "@/server/http";
import { exportTasks } from "@/server/tasks/export-tasks";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handleGet(req: Request): Promise<Response> {
  try {
    const { db } = await authorize(req, "viewer");
    const params = new URL(req.url).searchParams;
    const batch = params.get("batch") || undefined;
    const environment = params.get("environment") || undefined;
    const lines = exportTasks({ db, batch, environment });
    // Pull the first page before answering, so a bad filter gets a real error status.
    const first = await lines.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        try {
          const next = await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          console.error("[http] GET /api/export:", err);
          controller.error(err);
        }
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const name = `${batch ?? environment ?? "tasks"}.jsonl`.replace(/[^\w.-]+/g, "_");
    return new Response(first.done ? "" : body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
      },
    });
  } catch (err) {
    return errorResponse(err, "GET /api/export");
  }
}

export const GET = guarded(handleGet);
