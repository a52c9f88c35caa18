// POST a task file as the raw request body. It is parsed while it streams in, so the upload's own
// progress is the import's progress; the reply is the import summary.
import { authorize } from "@/server/auth/authorize";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http";
import { importTasks } from "@/server/tasks/import-tasks";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handlePost(req: Request): Promise<Response> {
  try {
    const { db, actor } = await authorize(req, "curator");
    const params = new URL(req.url).searchParams;
    const format = params.get("format");
    if (format && format !== "jsonl" && format !== "tagged")
      throw new AppError("BAD_INPUT", `format must be jsonl or tagged, not '${format}'.`);
    if (!req.body) throw new AppError("BAD_INPUT", "The request has no body: send the file's bytes as the body.");
    const summary = await importTasks({
      db,
      userId: actor.id,
      source: req.body as unknown as AsyncIterable<Uint8Array>,
      fileName: params.get("fileName") ?? undefined,
      batchName: params.get("batch") || undefined,
      defaultEnvironment: params.get("env") || undefined,
      format: (format as "jsonl" | "tagged" | null) ?? undefined,
      // ?filter=1: queue the CaT filter for the tasks this import created or revised.
      runFilter: params.get("filter") === "1",
    });
    return Response.json(summary, { status: summary.status === "failed" ? 422 : 200 });
  } catch (err) {
    return errorResponse(err, "POST /api/import");
  }
}

export const POST = guarded(handlePost);
