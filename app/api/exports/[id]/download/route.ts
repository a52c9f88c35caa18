// GET the file of a finished background export.
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { authorize } from "@/server/auth/authorize";
import { exportFile } from "@/server/datasets/export-jobs";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handleGet(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { db } = await authorize(req, "viewer");
    const exportId = Number((await params).id);
    if (!Number.isInteger(exportId) || exportId <= 0)
      throw new AppError("BAD_INPUT", "The export id must be a positive integer.");
    const file = await exportFile({ db, exportId });
    return new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream, {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${path.basename(file)}"`,
        "content-length": String(fs.statSync(file).size),
      },
    });
  } catch (err) {
    return errorResponse(err, "GET /api/exports/download");
  }
}

export const GET = guarded(handleGet);
