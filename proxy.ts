// Pages and static files pass here first (Next's proxy, Node runtime): the Host check of
// server/security/request-guard.ts and the security headers. /api routes are left out on purpose:
// Next buffers the body of any request the proxy sees (and truncates it past 10 MB), and uploads
// must stream; each /api route runs the same guard itself (server/security/guarded.ts).
import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/server/env";
import { guardConfigFromEnv, guardRequest } from "@/server/security/request-guard";

export function proxy(request: NextRequest) {
  const { cfg, headers } = guardConfigFromEnv(serverEnv());
  const refusal = guardRequest({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers }, cfg);
  const response = refusal
    ? NextResponse.json({ error: { code: refusal.code, message: refusal.message } }, { status: refusal.status })
    : NextResponse.next();
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = { matcher: ["/((?!api/).*)"] };
