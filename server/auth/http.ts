// The /api/auth/* endpoints (better-auth's: sign-in, sign-out, session, OpenID Connect redirects),
// with the login rate limit in front of the password sign-in.
import type { Db } from "../db/client";
import { serverEnv } from "../env";
import { errorResponse, readTextBody } from "../http";
import { authFor, isSecureRequest } from "./auth";
import { loginRetryAfter, recordLoginResult } from "./login-limit";

const SIGN_IN_BODY_BYTES = 64 * 1024;

/** The client's address, from the trusted proxy's X-Forwarded-For (the hop it appended), else unknown. */
function clientAddress(headers: Headers): string | null {
  if (!serverEnv().trustProxy) return null;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops.at(-1) ?? null;
}

export async function handleAuthRequest(db: Db, req: Request): Promise<Response> {
  try {
    const auth = await authFor(db, isSecureRequest(req.headers));
    const { pathname } = new URL(req.url);
    if (req.method !== "POST" || pathname !== "/api/auth/sign-in/email") return await auth.handler(req);

    const text = await readTextBody(req, SIGN_IN_BODY_BYTES);
    let email = "";
    try {
      email = String((JSON.parse(text) as { email?: unknown }).email ?? "");
    } catch {
      // better-auth answers the malformed body itself.
    }
    const client = clientAddress(req.headers);
    const wait = loginRetryAfter(email, client);
    if (wait > 0) {
      return Response.json(
        {
          error: {
            code: "RATE_LIMITED",
            message: `Too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minute(s).`,
          },
        },
        { status: 429, headers: { "retry-after": String(wait) } },
      );
    }
    const res = await auth.handler(new Request(req.url, { method: "POST", headers: req.headers, body: text }));
    recordLoginResult(email, client, res.ok);
    return res;
  } catch (err) {
    return errorResponse(err, "auth");
  }
}
