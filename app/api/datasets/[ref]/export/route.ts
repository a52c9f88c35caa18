// GET /api/datasets/NAME[@VERSION]/export?format=jsonl|parquet|hf — a download (hf: a .tar.gz of the folder).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import * as tar from "tar";
import { getDb } from "@/server/db/client";
import { exportDataset, type ExportFormat } from "@/server/datasets/export-dataset";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ ref: string }> }): Promise<Response> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-export-"));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const ref = decodeURIComponent((await params).ref);
    const format = (new URL(req.url).searchParams.get("format") ?? "jsonl") as ExportFormat;
    if (!["jsonl", "parquet", "hf"].includes(format)) throw new AppError("BAD_INPUT", `format must be jsonl, parquet or hf, not '${format}'.`);
    const base = ref.replace("@", "-v");
    const out = path.join(dir, format === "hf" ? base : `${base}.${format}`);
    const r = await exportDataset({ db: await getDb(), ref, format, out });
    let file = out;
    let name = `${r.dataset}-v${r.version}.${format}`;
    if (format === "hf") {
      file = `${out}.tar.gz`;
      await tar.c({ gzip: true, file, cwd: dir, portable: true }, [path.basename(out)]);
      name = `${r.dataset}-v${r.version}-hf.tar.gz`;
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
