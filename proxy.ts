// Pages and static files pass here first (Next's proxy, Node runtime): the Host check of
// server/security/request-guard.ts, the security headers, and the sign-in redirect. /api routes are
// left out on purpose: Next buffers the body of any request the proxy sees (and truncates it past
// 10 MB), and uploads must stream; each /api route runs the same guard itself
// (server/security/guarded.ts) and checks the caller's role.
import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/server/env";
import { guardConfigFromEnv, guardRequest } from "@/server/security/request-guard";

// Pages anyone may open: the sign-in and first-start setup pages. Assets are never redirected.
const OPEN_PAGES = new Set(["/sign-in", "/setup"]);
const ASSET = /^\/(_next\/|monaco\/|favicon\.ico$)/;
const SESSION_COOKIE = /(^|;\s*)(__Secure-)?cat\.session_token=/;

export function proxy(request: NextRequest) {
  const { cfg, headers } = guardConfigFromEnv(serverEnv());
  const { pathname, search } = request.nextUrl;
  const refusal = guardRequest({ method: request.method, pathname, headers: request.headers }, cfg);
  let response: NextResponse;
  if (refusal) {
    response = NextResponse.json(
      { error: { code: refusal.code, message: refusal.message } },
      { status: refusal.status },
    );
  } else if (
    !OPEN_PAGES.has(pathname) &&
    !ASSET.test(pathname) &&
    !SESSION_COOKIE.test(request.headers.get("cookie") ?? "")
  ) {
    // Only a convenience for people: the data is behind the API's role checks, which every page
    // goes through. A stale cookie passes here and gets the sign-in prompt from the API instead.
    const to = request.nextUrl.clone();
    to.pathname = "/sign-in";
    to.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    response = NextResponse.redirect(to);
  } else {
    response = NextResponse.next();
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = { matcher: ["/((?!api/).*)"] };
