// The REST API's routes. Each is a thin call into a service.
import { z } from "zod";
import { taskListInputSchema } from "@/lib/task-query";
import { addTasksToDataset, createDataset, listDatasets, publishVersion } from "../datasets/datasets";
import { EXPORT_FORMATS } from "../datasets/export-dataset";
import { getExport, requestExport } from "../datasets/export-jobs";
import { getTaskRuns } from "../filter/get-task-runs";
import { getRerunProgress } from "../filter/rerun-progress";
import { cancelRerun, requestRerun } from "../filter/request-rerun";
import { AppError } from "../errors";
import { getTask } from "../tasks/get-task";
import { listTasks } from "../tasks/list-tasks";
import type { Db } from "../db/client";
import { actorFromRequest } from "../auth/actor";
import { getDb } from "../db/client";
import { errorResponse } from "../http";
import { defineRoute, runRoute, selectionBody, type ApiRoute } from "./api";

const intParam = (v: string | undefined, what: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new AppError("BAD_INPUT", `${what} must be a positive integer.`);
  return n;
};

export const ROUTES = [
  defineRoute({
    method: "GET",
    path: "/api/v1/tasks",
    summary: "List tasks (keyset pages): filters environment, batch, verdict, reason, review, label, q; sort, dir, cursor, limit.",
    role: "viewer",
    query: taskListInputSchema.extend({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
    handle: ({ db, query }) => listTasks({ db, input: query }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/tasks/{id}",
    summary: "One task: current revision, verdict, and the case matrix of its latest filter run.",
    role: "viewer",
    handle: async ({ db, params }) => {
      const id = intParam(params.id, "The task id");
      const [task, runs] = await Promise.all([getTask({ db, id }), getTaskRuns({ db, taskId: id })]);
      return { ...task, latestRun: runs.runs[0] ?? null, cases: runs.shown?.cases ?? [] };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/reruns",
    summary: "Run the CaT filter over tasks: {taskIds: [..]} or {filter: {...}}. Returns the rerun id.",
    role: "curator",
    body: selectionBody,
    handle: ({ db, actor, body }) => requestRerun({ db, userId: actor.id, ...body }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/reruns/{id}",
    summary: "Progress of a rerun: runs by status, verdicts, case outcomes, rate, ETA.",
    role: "viewer",
    handle: ({ db, params }) => getRerunProgress({ db, rerunId: intParam(params.id, "The rerun id") }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/reruns/{id}",
    summary: "Cancel the queued runs of a rerun.",
    role: "curator",
    handle: ({ db, params }) => cancelRerun({ db, rerunId: intParam(params.id, "The rerun id") }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/datasets",
    summary: "Datasets with their versions.",
    role: "viewer",
    handle: ({ db }) => listDatasets({ db }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/datasets",
    summary: "Create a dataset: {name, description?}.",
    role: "curator",
    body: z.strictObject({ name: z.string().min(1).max(100), description: z.string().max(2000).optional() }),
    handle: ({ db, actor, body }) => createDataset({ db, userId: actor.id, ...body }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/datasets/{name}/tasks",
    summary: "Add approved tasks to the dataset's working set: {taskIds} or {filter}.",
    role: "curator",
    body: selectionBody,
    handle: ({ db, actor, body, params }) => addTasksToDataset({ db, userId: actor.id, dataset: params.name!, selection: body }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/datasets/{name}/versions",
    summary: "Publish the working set as a new immutable version: {name?, notes?}.",
    role: "curator",
    body: z.strictObject({ name: z.string().max(100).optional(), notes: z.string().max(10_000).optional() }),
    handle: ({ db, actor, body, params }) => publishVersion({ db, userId: actor.id, dataset: params.name!, ...body }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/datasets/{name}/exports",
    summary: "Export a version in the background: {format: jsonl|parquet|hf, version?}. Poll /api/v1/exports/{id}, then download /api/exports/{id}/download.",
    role: "curator",
    body: z.strictObject({ format: z.enum(EXPORT_FORMATS), version: z.number().int().positive().optional() }),
    handle: ({ db, actor, body, params }) => requestExport({ db, userId: actor.id, ref: body.version ? `${params.name}@${body.version}` : params.name!, format: body.format }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/exports/{id}",
    summary: "An export's status and progress (done of total tasks).",
    role: "viewer",
    handle: ({ db, params }) => getExport({ db, exportId: intParam(params.id, "The export id") }),
  }),
];

/** OpenAPI 3.1, generated from the routes' zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const op: Record<string, unknown> = { summary: r.summary, responses: { "200": { description: "OK" }, "400": { description: "Invalid input (issues name the field)" }, "404": { description: "Not found" }, "409": { description: "Conflict" } } };
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (r.query) {
      const schema = z.toJSONSchema(r.query, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown> };
      for (const [name, s] of Object.entries(schema.properties ?? {})) params.push({ name, in: "query", required: false, schema: s as { type: string } });
    }
    if (params.length) op.parameters = params;
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: z.toJSONSchema(r.body, { io: "input", unrepresentable: "any" }) } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  paths["/api/import"] = { post: { summary: "Import a task file (the raw bytes as the body): ?batch=NAME&env=NAME&format=jsonl|tagged&fileName=…", requestBody: { content: { "application/octet-stream": {} } }, responses: { "200": { description: "Import summary" }, "422": { description: "The file was refused whole" } } } };
  paths["/api/datasets/{ref}/export"] = { get: { summary: "Download a dataset version (NAME or NAME@VERSION): ?format=jsonl|parquet|hf (hf: a .tar.gz folder)", responses: { "200": { description: "The file" } } } };
  paths["/api/export"] = { get: { summary: "All tasks (or ?batch=, ?environment=) as CaT JSON Lines", responses: { "200": { description: "JSON Lines" } } } };
  return { openapi: "3.1.0", info: { title: "CaT Curator API", version: "1" }, paths };
}

/** Finds the route for a method and path, with the path's {params}. */
export function matchRoute(method: string, pathname: string) {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${r.path.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)"))}$`);
    const m = re.exec(pathname);
    if (m) return { route: r, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return null;
}

/** Serves one /api/v1 request (the Next route is a thin wrapper; tests call this directly). */
export async function handleApiRequest(req: Request, db?: Db): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (req.method === "GET" && pathname === "/api/v1/openapi.json") return Response.json(openApiDocument());
  const found = matchRoute(req.method, pathname);
  try {
    // Anonymous callers learn nothing, not even which routes exist.
    if (!(await actorFromRequest(db ?? (await getDb()), req.headers))) throw new AppError("UNAUTHORIZED", "Send an API token as 'Authorization: Bearer …' (create one on the Tokens page or with `npm run -s cli -- token create`).");
  } catch (err) {
    return errorResponse(err, "api auth");
  }
  if (!found) {
    const otherMethod = ROUTES.some((r) => r.method !== req.method && matchRoute(r.method, pathname));
    return Response.json(
      { error: { code: otherMethod ? "METHOD_NOT_ALLOWED" : "NOT_FOUND", message: `${req.method} ${pathname} is not an API route (see /api/v1/openapi.json).` } },
      { status: otherMethod ? 405 : 404 },
    );
  }
  return runRoute(found.route as ApiRoute<z.ZodType, z.ZodType>, req, found.params, db);
}
