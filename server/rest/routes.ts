// The REST API (/api/v1), generated from the tRPC procedures that declare a `rest` route in their
// meta: the same input schema validates the request, the same role builder checks the caller, the
// same service answers, and the same error mapping names the field. A route is a thin adapter: it
// gathers the input from the path, the query string (coerced by the input schema's types) or the
// JSON body, and calls the procedure through `appRouter.createCaller` as the request's actor.
import { z } from "zod";
import { toAppError } from "../api/errors";
import { appRouter, createCaller } from "../api/root";
import type { ProcedureMeta, RestMeta } from "../api/trpc";
import { actorFromRequest } from "../auth/actor";
import type { Actor } from "../auth/roles";
import { getDb, type Db } from "../db/client";
import { AppError, HTTP_STATUS, type InputIssue } from "../errors";
import { readTextBody } from "../http";
import { findTaskByRef } from "../tasks/get-task";
import { openApiDocument } from "./openapi";

const API_PREFIX = "/api/v1";

interface Procedure {
  _def: { type: "query" | "mutation" | "subscription"; meta?: ProcedureMeta; inputs: z.ZodType[] };
}

export interface RestRoute extends RestMeta {
  /** The tRPC procedure it calls ("dataset.publish"). */
  procedure: string;
  access: ProcedureMeta["access"];
  input?: z.ZodType;
  output?: z.ZodType;
  /** The full path, /api/v1/…, with {params}. */
  fullPath: string;
  params: string[];
  pattern: RegExp;
  /** A `{taskId}` route answering as /tasks/{environment}/{externalId}/…. */
  byExternalId: boolean;
}

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [k: string]: unknown;
};

/** JSON Schema of a zod schema as a client sends (`io: "input"`) or receives it; a date is an ISO string. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  return z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === "date")
        Object.assign(ctx.jsonSchema, { type: "string", format: "date-time" });
    },
  }) as JsonSchema;
}

function routeFor(
  procedure: string,
  meta: ProcedureMeta,
  rest: RestMeta,
  proc: Procedure,
  byExternalId: boolean,
): RestRoute {
  const path = byExternalId ? rest.path.replace("{taskId}", "{environment}/{externalId}") : rest.path;
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  // A task number is digits; anything else in that place is an environment name.
  const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === "taskId" ? "(\\d+)" : "([^/]+)"));
  return {
    ...rest,
    procedure,
    access: meta.access,
    input: proc._def.inputs[0],
    output: meta.output,
    fullPath: API_PREFIX + path,
    params,
    pattern: new RegExp(`^${API_PREFIX}${source}$`),
    byExternalId,
  };
}

let cached: RestRoute[] | undefined;
/** Every REST route, in matching order: literal paths before parameters, task numbers before external ids. */
export function restRoutes(): RestRoute[] {
  if (cached) return cached;
  const routes: RestRoute[] = [];
  for (const [name, proc] of Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures,
  )) {
    const meta = proc._def.meta;
    if (!meta?.rest) continue;
    for (const rest of [meta.rest].flat()) {
      routes.push(routeFor(name, meta, rest, proc, false));
      if (rest.path.includes("{taskId}")) routes.push(routeFor(name, meta, rest, proc, true));
    }
  }
  const literal = (r: RestRoute) => r.fullPath.split("/").filter((s) => s && !s.startsWith("{")).length;
  cached = routes.sort((a, b) => Number(a.byExternalId) - Number(b.byExternalId) || literal(b) - literal(a));
  return cached;
}

function matchRoute(method: string, pathname: string) {
  for (const route of restRoutes()) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(pathname);
    if (m) return { route, params: Object.fromEntries(route.params.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return null;
}

const typesOf = (s: JsonSchema | undefined): string[] =>
  !s ? [] : s.anyOf ? s.anyOf.flatMap(typesOf) : [s.type ?? []].flat();

/** A query-string or path value as the input schema's type wants it ("5" → 5, "true" → true). */
function coerce(value: string, schema: JsonSchema | undefined): unknown {
  const types = typesOf(schema);
  if ((types.includes("integer") || types.includes("number")) && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

const inputSchemas = new WeakMap<RestRoute, JsonSchema>();
function inputJson(route: RestRoute): JsonSchema {
  let s = inputSchemas.get(route);
  if (!s) {
    const raw = route.input ? jsonSchemaOf(route.input, "input") : { type: "object", properties: {} };
    // An optional input object is described as anyOf [object, null]: the object is what callers send.
    s = raw.anyOf?.find((x) => x.type === "object") ?? raw;
    inputSchemas.set(route, s);
  }
  return s;
}

/** Where each problem is, for a REST caller: a path parameter, the query string or the body. */
function located(issues: InputIssue[], route: RestRoute, fromBody: boolean) {
  return issues.map((i) => {
    const top = i.path.split(".")[0]!;
    if (route.params.includes(top)) return { where: "path", ...i };
    if (!fromBody) return { where: "query", ...i };
    const path =
      route.bodyField && (i.path === route.bodyField || i.path.startsWith(`${route.bodyField}.`))
        ? i.path.slice(route.bodyField.length + 1)
        : i.path;
    return { where: "body", path, message: i.message };
  });
}

function errorBody(err: unknown, where: string, locate?: (issues: InputIssue[]) => unknown[]): Response {
  const known = toAppError(err);
  if (!known) {
    console.error(`[rest] ${where}:`, err);
    return Response.json(
      { error: { code: "INTERNAL", message: "Internal error; the server log has the details." } },
      { status: 500 },
    );
  }
  const issues =
    known.code === "BAD_INPUT" ? (known.details as { issues?: InputIssue[] } | undefined)?.issues : undefined;
  const headers: Record<string, string> =
    known.code === "UNAUTHORIZED" ? { "www-authenticate": 'Bearer realm="cat-curator"' } : {};
  // A conflict carries what the caller needs to act on it (the newer revision, the refused tasks).
  const details = known.code !== "BAD_INPUT" && known.details !== undefined ? { details: known.details } : {};
  return Response.json(
    {
      error: {
        code: known.code,
        message: known.message,
        ...(issues ? { issues: locate ? locate(issues) : issues } : {}),
        ...details,
      },
    },
    { status: HTTP_STATUS[known.code], headers },
  );
}

const toJson = (value: unknown) =>
  JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v));

async function runRoute(
  route: RestRoute,
  req: Request,
  params: Record<string, string>,
  db: Db,
  actor: Actor,
  seen: { fromBody: boolean },
): Promise<Response> {
  const schema = inputJson(route);
  const props = schema.properties ?? {};
  const url = new URL(req.url);
  const text = req.method === "GET" ? "" : await readTextBody(req);
  const fromBody = text.trim() !== "";
  seen.fromBody = fromBody;
  const input: Record<string, unknown> = {};
  const unknown: InputIssue[] = [];
  if (fromBody) {
    if ([...url.searchParams.keys()].length)
      throw new AppError("BAD_INPUT", "Send the input in the JSON body or in the query string, not both.");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new AppError("BAD_INPUT", `The body is not valid JSON: ${(err as Error).message}`);
    }
    if (route.bodyField) input[route.bodyField] = body;
    else if (body && typeof body === "object" && !Array.isArray(body)) Object.assign(input, body);
    else throw new AppError("BAD_INPUT", "The body must be a JSON object.");
  } else {
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      const prop = props[key];
      input[key] = typesOf(prop).includes("array")
        ? values.map((v) => coerce(v, prop?.items))
        : coerce(values.at(-1)!, prop);
    }
  }
  for (const [name, value] of Object.entries(params)) {
    if (name === "environment" && route.byExternalId) continue;
    if (name === "externalId" && route.byExternalId) {
      input.taskId = (await findTaskByRef({ db, externalId: value, environment: params.environment })).id;
      continue;
    }
    const v = coerce(value, props[name]);
    if (name in input && input[name] !== v)
      unknown.push({
        path: name,
        message: `is ${value} in the path; leave it out of the ${fromBody ? "body" : "query"} or give the same value`,
      });
    input[name] = v;
  }
  if (schema.properties && !route.bodyField)
    for (const key of Object.keys(input)) if (!(key in props)) unknown.push({ path: key, message: "unknown field" });
  if (unknown.length)
    throw new AppError("BAD_INPUT", `Invalid input: ${unknown.map((i) => `${i.path}: ${i.message}`).join("; ")}.`, {
      issues: unknown,
    });

  const call = route.procedure
    .split(".")
    .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], createCaller({ db, actor })) as (
    input?: unknown,
  ) => Promise<unknown>;
  const result = await call(route.input ? input : undefined);
  const body = toJson(result);
  // The contract tests run with VITEST: every answer must match the schema the OpenAPI document shows.
  if (process.env.VITEST && route.output) {
    const checked = route.output.safeParse(JSON.parse(body));
    if (!checked.success)
      throw new Error(
        `${route.procedure}: the answer does not match its output schema: ${JSON.stringify(checked.error.issues.slice(0, 5))}`,
      );
  }
  return new Response(body, {
    status: route.status ?? (route.method === "POST" ? 201 : 200),
    headers: { "content-type": "application/json" },
  });
}

/** Serves one /api/v1 request (the Next route is a thin wrapper; tests call this directly). */
export async function handleApiRequest(req: Request, dbGiven?: Db): Promise<Response> {
  const { pathname } = new URL(req.url);
  const where = `${req.method} ${pathname}`;
  if (req.method === "GET" && pathname === `${API_PREFIX}/openapi.json`) return Response.json(openApiDocument());
  let db: Db;
  let actor: Actor | null;
  try {
    db = dbGiven ?? (await getDb());
    actor = await actorFromRequest(db, req.headers);
    // Anonymous callers learn nothing, not even which routes exist.
    if (!actor)
      throw new AppError(
        "UNAUTHORIZED",
        "Send an API token as 'Authorization: Bearer …' (create one on the Tokens page or with `npm run -s cli -- token create --user EMAIL`).",
      );
  } catch (err) {
    return errorBody(err, where);
  }
  const found = matchRoute(req.method, pathname);
  if (!found) {
    const otherMethod = restRoutes().some((r) => r.method !== req.method && r.pattern.test(pathname));
    return Response.json(
      {
        error: {
          code: otherMethod ? "METHOD_NOT_ALLOWED" : "NOT_FOUND",
          message: `${req.method} ${pathname} is not an API route (see ${API_PREFIX}/openapi.json).`,
        },
      },
      { status: otherMethod ? 405 : 404 },
    );
  }
  const seen = { fromBody: false };
  try {
    return await runRoute(found.route, req, found.params, db, actor, seen);
  } catch (err) {
    return errorBody(err, where, (issues) => located(issues, found.route, seen.fromBody));
  }
}
