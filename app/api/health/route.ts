// Readiness: answers 200 once the database is up and migrated (used by tests and process managers).
import { getDb } from "@/server/db/client";
import { errorResponse } from "@/server/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    const db = await getDb();
    await db.prisma.$queryRaw`select 1`;
    return Response.json({ ok: true });
  } catch (err) {
    return errorResponse(err, "GET /api/health");
  }
}
