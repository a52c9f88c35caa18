// Every /api route handler is wrapped in guarded(): the same checks as proxy.ts, run inside the
// route because Next's proxy would buffer (and past 10 MB truncate) request bodies, and uploads
// must stream. server/security/routes-guarded.test.ts fails when a route forgets the wrapper.
import { serverEnv } from "../env";
import { guardConfigFromEnv, guardRequest } from "./request-guard";

type Handler<C> = (req: Request, ctx: C) => Promise<Response> | Response;

export function guarded<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    const { cfg, headers } = guardConfigFromEnv(serverEnv());
    const refusal = guardRequest(
      { method: req.method, pathname: new URL(req.url).pathname, headers: req.headers },
      cfg,
    );
    const res = refusal
      ? Response.json({ error: { code: refusal.code, message: refusal.message } }, { status: refusal.status })
      : await handler(req, ctx);
    for (const [k, v] of Object.entries(headers)) if (!res.headers.has(k)) res.headers.set(k, v);
    return res;
  };
}
