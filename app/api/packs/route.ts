// POST a pack archive (.zip or .tar.gz) as the request body: ?name=ENV&fileName=pack.zip, plus
// &newVersion=1 to register it deliberately as the next version of an existing environment.
// The body streams to a temp file and stops at the size limit; nothing is read whole into memory.
import { authorize } from "@/server/auth/authorize";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http";
import { receiveUpload } from "@/server/packs/receive-upload";
import { PACK_LIMITS, registerPack } from "@/server/packs/register-pack";
import { unpackArchive } from "@/server/packs/unpack-archive";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function flag(value: string | null, name: string): boolean {
  if (value === null || value === "" || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new AppError("BAD_INPUT", `${name} is 1 or 0, not '${value.slice(0, 40)}'.`);
}

async function handlePost(req: Request): Promise<Response> {
  const cleanups: Array<() => void> = [];
  try {
    // Environments are the administrator's: a pack's code runs on this machine (in the sandbox).
    const { db, actor } = await authorize(req, "admin");
    const params = new URL(req.url).searchParams;
    const name = params.get("name")?.trim();
    const fileName = params.get("fileName") ?? "pack";
    if (!name) throw new AppError("BAD_INPUT", "Give the environment a name (?name=…).");
    const newVersion = flag(params.get("newVersion"), "newVersion");
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > PACK_LIMITS.bytes)
      throw new AppError("TOO_LARGE", `The archive is over ${PACK_LIMITS.bytes} bytes (the limit for a pack upload).`);
    // Content-Length may be absent (chunked) or wrong: the limit is enforced on the bytes received.
    const upload = await receiveUpload({ body: req.body, maxBytes: PACK_LIMITS.bytes });
    cleanups.push(upload.cleanup);
    const unpacked = await unpackArchive(upload.file, fileName);
    cleanups.push(unpacked.cleanup);
    upload.cleanup(); // the archive is no longer needed while the pack is inspected
    const pack = await registerPack({ db, dir: unpacked.dir, name, newVersion, userId: actor.id });
    return Response.json({
      name: pack.name,
      hash: pack.hash,
      version: pack.version,
      active: pack.active,
      created: pack.created,
      tools: pack.tools ?? null,
      warning: pack.warning ?? null,
    });
  } catch (err) {
    return errorResponse(err, "POST /api/packs");
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

export const POST = guarded(handlePost);
