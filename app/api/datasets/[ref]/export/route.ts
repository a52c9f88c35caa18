// GET /api/datasets/NAME[@VERSION]/export?format=jsonl|parquet|hf — a download (hf: a .tar.gz of the folder).
// The file is written in a temporary directory this request creates, under a name built from the
// stored dataset name and version number, never from the request's text, and removed afterwards.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import * as tar from "tar";
import { authorize } from "@/server/auth/authorize";
import { resolveVersion } from "@/server/datasets/datasets";
import { EXPORT_FORMATS, exportDataset, type ExportFormat } from "@/server/datasets/export-dataset";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handleGet(req: Request, { params }: { params: Promise<{ ref: string }> }): Promise<Response> {
  let dir: string | undefined;
  const cleanup = () => dir && fs.rmSync(dir, { recursive: true, force: true });
  try {
    const { db } = await authorize(req, "viewer");
    const format = new URL(req.url).searchParams.get("format") ?? "jsonl";
    if (!EXPORT_FORMATS.includes(format as ExportFormat))
      throw new AppError("BAD_INPUT", `format must be jsonl, parquet or hf, not '${format.slice(0, 50)}'.`);
    const { dataset, version } = await resolveVersion(db, decodeURIComponent((await params).ref));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-export-"));
    const base = `${dataset.name}-v${version.number}`;
    const out = path.join(dir, format === "hf" ? base : `${base}.${format}`);
    await exportDataset({ db, ref: `${dataset.name}@${version.number}`, format: format as ExportFormat, out });
    let file = out;
    let name = path.basename(out);
    if (format === "hf") {
      file = `${out}.tar.gz`;
      await tar.c({ gzip: true, file, cwd: dir, portable: true }, [base]);
      name = `${base}-hf.tar.gz`;
    }
    const stream = fs.createReadStream(file);
    stream.on("close", cleanup);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        "content-type": format === "jsonl" ? "application/x-ndjson" : "application/octet-stream",
        "content-disposition": `attachment; filename="${name}"`,
        "content-length": String(fs.statSync(file).size),
      },
    });
  } catch (err) {
    cleanup();
    return errorResponse(err, "GET /api/datasets/export");
  }
}

export const GET = guarded(handleGet);
