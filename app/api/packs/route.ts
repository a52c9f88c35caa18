// POST a pack archive (.zip or .tar.gz) as the request body: ?name=ENV&fileName=pack.zip
import { getDb } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http";
import { PACK_LIMITS, registerPack } from "@/server/packs/register-pack";
import { unpackArchive } from "@/server/packs/unpack-archive";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  let cleanup: (() => void) | undefined;
  try {
    const params = new URL(req.url).searchParams;
    const name = params.get("name")?.trim();
    const fileName = params.get("fileName") ?? "pack";
    if (!name) throw new AppError("BAD_INPUT", "Give the environment a name (?name=…).");
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > PACK_LIMITS.bytes) throw new AppError("TOO_LARGE", `The archive is over ${PACK_LIMITS.bytes} bytes.`);
    const bytes = Buffer.from(await req.arrayBuffer());
    const unpacked = await unpackArchive(bytes, fileName);
    cleanup = unpacked.cleanup;
    const pack = await registerPack({ db: await getDb(), dir: unpacked.dir, name });
    return Response.json({ name: pack.name, hash: pack.hash, created: pack.created, tools: pack.tools ?? null, warning: pack.warning ?? null });
  } catch (err) {
    return errorResponse(err, "POST /api/packs");
  } finally {
    cleanup?.();
  }
}
