// The role check of the plain route handlers (uploads, downloads): the same actor resolution and the
// same rule as the tRPC procedures and the REST routes.
import { getDb, type Db } from "../db/client";
import { actorFromRequest } from "./actor";
import { requireRole, type Actor, type Role } from "./roles";

export async function authorize(req: Request, role: Role): Promise<{ db: Db; actor: Actor }> {
  const db = await getDb();
  return { db, actor: requireRole(await actorFromRequest(db, req.headers), role) };
}
