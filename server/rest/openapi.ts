// The OpenAPI 3.1 document of /api/v1, generated from the same routes and zod schemas that serve
// and validate the requests (server/rest/routes.ts), plus the file routes that stream.
import { jsonSchemaOf, restRoutes, type RestRoute } from "./routes";

const ERROR = {
  type: "object",
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          enum: [
            "BAD_INPUT",
            "UNAUTHORIZED",
            "FORBIDDEN",
            "NOT_FOUND",
            "CONFLICT",
            "TOO_LARGE",
            "RATE_LIMITED",
            "UNAVAILABLE",
            "INTERNAL",
          ],
        },
        message: { type: "string" },
        issues: {
          type: "array",
          description: "for BAD_INPUT: each invalid field, by its path (taskIds.0, filter.verdict)",
          items: {
            type: "object",
            properties: {
              where: { type: "string", enum: ["path", "query", "body"] },
              path: { type: "string" },
              message: { type: "string" },
            },
          },
        },
        details: { description: "what a CONFLICT carries to act on (the newer revision, the refused tasks)" },
      },
    },
  },
};
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});
const ERRORS = {
  "400": errorResponse("Invalid input: issues name each field"),
  "401": errorResponse("No valid token or session"),
  "403": errorResponse("Your role does not allow this, or the request came from another site"),
  "404": errorResponse("Not found"),
  "409": errorResponse("Conflict (a name taken, a newer revision, an override needed)"),
};

function operation(route: RestRoute) {
  const input = route.input ? jsonSchemaOf(route.input, "input") : null;
  const body = input?.anyOf?.find((s) => s.type === "object") ?? input;
  const props = (body?.properties ?? {}) as Record<string, object>;
  const required = new Set((body?.required as string[] | undefined) ?? []);
  const parameters: object[] = route.params.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: name === "externalId" || name === "environment" ? { type: "string" } : (props[name] ?? { type: "string" }),
  }));
  const op: Record<string, unknown> = {
    operationId: route.byExternalId ? `${route.procedure}ByExternalId` : route.procedure,
    summary: route.summary,
    tags: [route.fullPath.split("/")[3]],
    "x-role": route.access,
    "x-trpc-procedure": route.procedure,
    responses: {
      [String(route.status ?? (route.method === "POST" ? 201 : 200))]: {
        description: "OK",
        content: { "application/json": { schema: route.output ? jsonSchemaOf(route.output, "output") : {} } },
      },
      ...ERRORS,
    },
  };
  const rest = Object.fromEntries(
    Object.entries(props).filter(([k]) => !route.params.includes(k) && !(route.byExternalId && k === "taskId")),
  );
  if (route.method === "GET") {
    for (const [name, schema] of Object.entries(rest))
      parameters.push({ name, in: "query", required: required.has(name), schema });
  } else if (route.bodyField) {
    op.requestBody = { required: true, content: { "application/json": { schema: props[route.bodyField] } } };
  } else if (Object.keys(rest).length) {
    op.requestBody = {
      required: [...required].some((k) => k in rest),
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: rest,
            required: [...required].filter((k) => k in rest),
            additionalProperties: false,
          },
        },
      },
    };
  }
  if (parameters.length) op.parameters = parameters;
  return op;
}

const FILE_ROUTES = {
  "/api/import": {
    post: {
      operationId: "importFile",
      summary:
        "Import a task file: the raw bytes as the body (streamed). ?batch=NAME&env=NAME&format=jsonl|tagged&fileName=…",
      tags: ["files"],
      "x-role": "curator",
      requestBody: { content: { "application/octet-stream": {} } },
      responses: {
        "200": { description: "The import summary: counts and line errors" },
        "422": { description: "The file was refused whole" },
        ...ERRORS,
      },
    },
  },
  "/api/packs": {
    post: {
      operationId: "uploadPack",
      summary: "Upload an environment pack (.zip or .tar.gz) as the body: ?name=ENV&fileName=pack.zip[&newVersion=1]",
      tags: ["files"],
      "x-role": "admin",
      requestBody: { content: { "application/octet-stream": {} } },
      responses: {
        "200": { description: "The pack: name, hash, version, active, tools" },
        "413": { description: "Over the size limit" },
        ...ERRORS,
      },
    },
  },
  "/api/datasets/{ref}/export": {
    get: {
      operationId: "downloadVersion",
      summary:
        "Download a dataset version (NAME or NAME@VERSION): ?format=jsonl|parquet|hf (hf: a .tar.gz of the Hugging Face folder)",
      tags: ["files"],
      "x-role": "viewer",
      parameters: [{ name: "ref", in: "path", required: true, schema: { type: "string" } }],
      responses: { "200": { description: "The file" }, ...ERRORS },
    },
  },
  "/api/exports/{exportId}/download": {
    get: {
      operationId: "downloadExport",
      summary: "The file of a finished background export (POST /api/v1/datasets/{dataset}/exports)",
      tags: ["files"],
      "x-role": "viewer",
      parameters: [{ name: "exportId", in: "path", required: true, schema: { type: "integer" } }],
      responses: { "200": { description: "The file" }, ...ERRORS },
    },
  },
  "/api/export": {
    get: {
      operationId: "exportTasks",
      summary: "All tasks (or ?batch=, ?environment=) as CaT JSON Lines",
      tags: ["files"],
      "x-role": "viewer",
      responses: { "200": { description: "JSON Lines" }, ...ERRORS },
    },
  },
};

let doc: object | undefined;
export function openApiDocument() {
  if (doc) return doc;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of restRoutes()) {
    paths[route.fullPath] ??= {};
    paths[route.fullPath]![route.method.toLowerCase()] = operation(route);
  }
  doc = {
    openapi: "3.1.0",
    info: {
      title: "CaT Curator API",
      version: "1",
      description:
        "Every operation is the tRPC procedure named in x-trpc-procedure, with the same input and output schemas; x-role is the least role it needs (viewer < reviewer < curator < admin). Tasks are addressed by number (/tasks/12) or by environment and external id (/tasks/retail/retail-0001).",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { session: [] }],
    paths: { ...paths, ...FILE_ROUTES },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API token (Tokens page, or `npm run -s cli -- token create --user EMAIL`)",
        },
        session: { type: "apiKey", in: "cookie", name: "cat.session_token" },
      },
      schemas: { Error: ERROR },
    },
  };
  return doc;
}
