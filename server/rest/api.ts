// A small REST layer for scripts (the users are Python researchers): the same services as the UI,
// strict zod input (unknown fields are refused, with their path), JSON errors with fitting status
// codes, and an OpenAPI document generated from the same schemas.
import { z } from "zod";
import { taskFilterSchema } from "@/lib/task-query";
import { actorFromRequest } from "../auth/actor";
import { requireRole, type Actor, type Role } from "../auth/roles";
import { getDb, type Db } from "../db/client";
import { errorResponse, readTextBody } from "../http";

export interface ApiRoute<B extends z.ZodType, Q extends z.ZodType> {
  method: "GET" | "POST" | "DELETE";
  path: string;
  summary: string;
  role: Role;
  body?: B;
  query?: Q;
  handle(args: { db: Db; actor: Actor; body: z.infer<B>; query: z.infer<Q>; params: Record<string, string> }): Promise<unknown>;
}

export function defineRoute<B extends z.ZodType = z.ZodNever, Q extends z.ZodType = z.ZodNever>(r: ApiRoute<B, Q>): ApiRoute<B, Q> {
  return r;
}

function issues(err: z.ZodError, where: "body" | "query") {
  return err.issues.map((i) => ({ where, path: i.path.join("."), message: i.code === "unrecognized_keys" ? `unknown field(s): ${i.keys.join(", ")}` : i.message }));
}

/** Runs a route: parses and validates, maps AppErrors to statuses, masks anything unexpected. */
export async function runRoute(route: ApiRoute<z.ZodType, z.ZodType>, req: Request, params: Record<string, string>, db?: Db): Promise<Response> {
  try {
    const database = db ?? (await getDb());
    const actor = requireRole(await actorFromRequest(database, req.headers), route.role);
    let body: unknown = undefined;
    if (route.body) {
      const text = await readTextBody(req);
      let raw: unknown;
      try {
        raw = text ? JSON.parse(text) : {};
      } catch (err) {
        return Response.json({ error: { code: "BAD_INPUT", message: `The body is not valid JSON: ${(err as Error).message}` } }, { status: 400 });
      }
      const parsed = route.body.safeParse(raw);
      if (!parsed.success) return Response.json({ error: { code: "BAD_INPUT", message: "The request body is invalid.", issues: issues(parsed.error, "body") } }, { status: 400 });
      body = parsed.data;
    }
    let query: unknown = undefined;
    if (route.query) {
      const parsed = route.query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
      if (!parsed.success) return Response.json({ error: { code: "BAD_INPUT", message: "The query string is invalid.", issues: issues(parsed.error, "query") } }, { status: 400 });
      query = parsed.data;
    }
    const result = await route.handle({ db: database, actor, body, query, params });
    return Response.json(result, { status: route.method === "POST" ? 201 : 200 });
  } catch (err) {
    return errorResponse(err, `${route.method} ${route.path}`);
  }
}

export const selectionBody = z.union([z.strictObject({ taskIds: z.array(z.number().int().positive()).min(1).max(100_000) }), z.strictObject({ filter: taskFilterSchema.strict() })]);
