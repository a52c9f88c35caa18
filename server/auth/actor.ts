// Who sent a request: an API token (`Authorization: Bearer …`) or a session cookie. A request that
// presents a token is judged by the token alone: a bad token is refused, never "tried as a cookie".
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Actor, Role } from "./roles";
import { actorFromToken } from "./tokens";

/**
 * The actor of a request, or null for an anonymous one. `resHeaders` receives the Set-Cookie of a
 * session that better-auth extended while reading it.
 */
export async function actorFromRequest(db: Db, headers: Headers, resHeaders?: Headers): Promise<Actor | null> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const actor = m ? await actorFromToken(db, m[1]!) : null;
    if (!actor)
      throw new AppError(
        "UNAUTHORIZED",
        m
          ? "This API token is not valid (unknown, revoked, or its user is disabled)."
          : "Send the token as 'Authorization: Bearer …'.",
      );
    return actor;
  }
  // No session cookie: anonymous, without asking the database.
  if (!/(^|;\s*)(__Secure-)?cat\.session_token=/.test(headers.get("cookie") ?? "")) return null;
  // Loaded on the first session only: better-auth is heavy, and the CLI and token calls never need it.
  const { authFor, isSecureRequest } = await import("./auth");
  const auth = await authFor(db, isSecureRequest(headers));
  const { headers: set, response } = await auth.api.getSession({ headers, returnHeaders: true });
  if (resHeaders) for (const c of set.getSetCookie()) resHeaders.append("set-cookie", c);
  if (!response) return null;
  const user = await db.prisma.user.findUnique({
    where: { id: Number(response.user.id) },
    select: { id: true, email: true, name: true, role: true, disabledAt: true },
  });
  if (!user?.role || user.disabledAt) return null;
  return { id: user.id, email: user.email!, name: user.name, role: user.role as Role, via: "session" };
}
