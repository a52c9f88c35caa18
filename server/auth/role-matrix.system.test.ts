// The role matrix against the production server: every kind of action (read, review, edit, import,
// filter runs and exports as jobs, datasets, administration) on every surface (tRPC, REST, the file
// routes), tried by an anonymous caller and by each role. A role below the one an action needs gets
// 403 (anonymous: 401); a role at or above it gets past the check (whatever the action answers then).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, roleAtLeast, type Role } from "./roles";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { addTasksToDataset, createDataset, publishVersion } from "../datasets/datasets";
import { requestExport } from "../datasets/export-jobs";
import { setReviewStatus } from "../review/review-tasks";
import { rawRequest, startAppServer, type AppServer } from "../testing/app-server";
import { acceptedTask, importLines, registerFixturePack, runFilterNow, tokenFor } from "../testing/fixtures";

let db: Db;
let app: AppServer;
const auth: Partial<Record<Role, Record<string, string>>> = {};
let taskId = 0;
let exportId = 0;
let packHash = "";

beforeAll(async () => {
  db = await createTestDb();
  packHash = (await registerFixturePack(db, "calc")).hash;
  for (const role of ROLES) auth[role] = (await tokenFor(db, role)).headers;
  await importLines(db, "matrix", [acceptedTask("m-1", "calc")]);
  taskId = (await db.prisma.task.findFirstOrThrow({ where: { externalId: "m-1" }, select: { id: true } })).id;
  await runFilterNow(db, { taskIds: [taskId] });
  await setReviewStatus({ db, userId: db.defaultUserId, selection: { taskIds: [taskId] }, status: "approved" });
  await createDataset({ db, userId: db.defaultUserId, name: "matrix" });
  await addTasksToDataset({ db, userId: db.defaultUserId, dataset: "matrix", selection: { taskIds: [taskId] } });
  await publishVersion({ db, userId: db.defaultUserId, dataset: "matrix" });
  exportId = (await requestExport({ db, userId: db.defaultUserId, ref: "matrix@1", format: "jsonl" })).exportId;
  app = await startAppServer({ DATABASE_URL: db.url });
}, 180_000);
afterAll(async () => {
  await app?.stop();
  await db?.close();
});

type Who = Role | "anonymous";
interface Action {
  surface: "tRPC" | "REST" | "file";
  kind: string;
  needs: Role;
  send(who: Who, n: number): Promise<{ status: number; body: string }>;
}

const json = { "content-type": "application/json" };
const headers = (who: Who, extra: Record<string, string> = {}) => ({
  ...(who === "anonymous" ? {} : auth[who]),
  ...extra,
});
const trpcQuery = (path: string, input: unknown) => (who: Who) =>
  rawRequest(app.port, {
    path: `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
    headers: headers(who),
  });
const trpcMutation = (path: string, input: (n: number) => unknown) => (who: Who, n: number) =>
  rawRequest(app.port, {
    method: "POST",
    path: `/api/trpc/${path}`,
    headers: headers(who, json),
    body: JSON.stringify({ json: input(n) }),
  });
const rest = (method: string, path: string, body?: (n: number) => unknown) => (who: Who, n: number) =>
  rawRequest(app.port, {
    method,
    path: `/api/v1${path}`,
    headers: headers(who, body ? json : {}),
    ...(body ? { body: JSON.stringify(body(n)) } : {}),
  });
const file =
  (method: string, path: string, body?: string, type = "application/octet-stream") =>
  (who: Who) =>
    rawRequest(app.port, {
      method,
      path,
      headers: headers(who, body === undefined ? {} : { "content-type": type }),
      ...(body === undefined ? {} : { body }),
    });

const ACTIONS = (): Action[] => [
  // tRPC
  { surface: "tRPC", kind: "read tasks", needs: "viewer", send: trpcQuery("task.list", {}) },
  { surface: "tRPC", kind: "read statistics", needs: "viewer", send: trpcQuery("stats.statistics", { days: 7 }) },
  {
    surface: "tRPC",
    kind: "review",
    needs: "reviewer",
    send: trpcMutation("review.setStatus", () => ({ selection: { taskIds: [taskId] }, status: "approved" })),
  },
  {
    surface: "tRPC",
    kind: "label",
    needs: "reviewer",
    send: trpcMutation("review.setLabel", () => ({
      selection: { taskIds: [taskId] },
      label: "false positive",
      on: false,
    })),
  },
  {
    surface: "tRPC",
    kind: "comment",
    needs: "reviewer",
    send: trpcMutation("review.comment", (n) => ({ taskId, body: `note ${n}` })),
  },
  {
    surface: "tRPC",
    kind: "edit",
    needs: "curator",
    send: trpcMutation("task.revise", (n) => ({ taskId, instruction: `Answer 4 (${n}).` })),
  },
  {
    surface: "tRPC",
    kind: "label set",
    needs: "curator",
    send: trpcMutation("review.createLabel", (n) => ({ name: `label ${n}` })),
  },
  {
    surface: "tRPC",
    kind: "filter run (job)",
    needs: "curator",
    send: trpcMutation("filter.rerun", () => ({ taskIds: [taskId] })),
  },
  {
    surface: "tRPC",
    kind: "dataset",
    needs: "curator",
    send: trpcMutation("dataset.create", (n) => ({ name: `trpc-${n}` })),
  },
  {
    surface: "tRPC",
    kind: "export (job)",
    needs: "curator",
    send: trpcMutation("dataset.export", () => ({ dataset: "matrix", version: 1, format: "jsonl" })),
  },
  { surface: "tRPC", kind: "read strength", needs: "viewer", send: trpcQuery("strength.get", { taskId }) },
  {
    surface: "tRPC",
    kind: "strength check (job)",
    needs: "curator",
    send: trpcMutation("strength.request", () => ({ taskIds: [taskId] })),
  },
  {
    surface: "tRPC",
    kind: "strength cap",
    needs: "admin",
    send: trpcMutation("environment.setProbeVariants", () => ({ environment: "calc", probeVariants: 24 })),
  },
  { surface: "tRPC", kind: "users", needs: "admin", send: trpcQuery("account.users", null) },
  { surface: "tRPC", kind: "everyone's tokens", needs: "admin", send: trpcQuery("account.tokens", { all: true }) },
  {
    surface: "tRPC",
    kind: "environments",
    needs: "admin",
    send: trpcMutation("environment.setActivePack", () => ({ environment: "calc", packHash })),
  },
  // REST
  { surface: "REST", kind: "read tasks", needs: "viewer", send: rest("GET", "/tasks") },
  { surface: "REST", kind: "read a task", needs: "viewer", send: rest("GET", "/tasks/calc/m-1") },
  {
    surface: "REST",
    kind: "review",
    needs: "reviewer",
    send: rest("POST", `/tasks/${taskId}/review`, () => ({ decision: "approve" })),
  },
  {
    surface: "REST",
    kind: "comment",
    needs: "reviewer",
    send: rest("POST", "/tasks/calc/m-1/comments", (n) => ({ body: `rest note ${n}` })),
  },
  {
    surface: "REST",
    kind: "Try",
    needs: "reviewer",
    send: rest("POST", "/tasks/calc/m-1/try", () => ({ solution: "respond('4')" })),
  },
  {
    surface: "REST",
    kind: "edit",
    needs: "curator",
    send: rest("POST", "/tasks/calc/m-1/revisions", (n) => ({ instruction: `Answer 4 (rest ${n}).` })),
  },
  {
    surface: "REST",
    kind: "filter run (job)",
    needs: "curator",
    send: rest("POST", "/reruns", () => ({ taskIds: [taskId] })),
  },
  {
    surface: "REST",
    kind: "dataset",
    needs: "curator",
    send: rest("POST", "/datasets", (n) => ({ name: `rest-${n}` })),
  },
  { surface: "REST", kind: "publish", needs: "curator", send: rest("POST", "/datasets/matrix/versions", () => ({})) },
  {
    surface: "REST",
    kind: "export (job)",
    needs: "curator",
    send: rest("POST", "/datasets/matrix/exports", () => ({ format: "jsonl", version: 1 })),
  },
  { surface: "REST", kind: "read strength", needs: "viewer", send: rest("GET", `/tasks/${taskId}/strength`) },
  {
    surface: "REST",
    kind: "strength check (job)",
    needs: "curator",
    send: rest("POST", "/strength-checks", () => ({ taskIds: [taskId] })),
  },
  {
    surface: "REST",
    kind: "strength cap",
    needs: "admin",
    send: rest("PUT", "/environments/calc/probe-variants", () => ({ probeVariants: 24 })),
  },
  { surface: "REST", kind: "users", needs: "admin", send: rest("GET", "/users") },
  {
    surface: "REST",
    kind: "environments",
    needs: "admin",
    send: rest("POST", "/environments/calc/active-pack", () => ({ packHash })),
  },
  // File routes
  { surface: "file", kind: "export tasks", needs: "viewer", send: file("GET", "/api/export?batch=matrix") },
  {
    surface: "file",
    kind: "download a version",
    needs: "viewer",
    send: file("GET", "/api/datasets/matrix@1/export?format=jsonl"),
  },
  {
    surface: "file",
    kind: "download an export",
    needs: "viewer",
    send: file("GET", `/api/exports/${exportId}/download`),
  },
  {
    surface: "file",
    kind: "import",
    needs: "curator",
    send: file("POST", "/api/import?batch=matrix-import&env=calc", JSON.stringify(acceptedTask("m-import", "calc"))),
  },
  {
    surface: "file",
    kind: "pack upload",
    needs: "admin",
    send: file("POST", "/api/packs?name=matrix-pack&fileName=p.zip", "not a zip"),
  },
];

describe("the role matrix", () => {
  it("refuses every action below its role, and lets every role at or above it through", async () => {
    const wrong: string[] = [];
    let n = 0;
    for (const action of ACTIONS()) {
      for (const who of ["anonymous", ...ROLES] as Who[]) {
        const res = await action.send(who, ++n);
        const allowed = who !== "anonymous" && roleAtLeast(who, action.needs);
        const expected = allowed ? "through" : who === "anonymous" ? 401 : 403;
        // 404/405 would mean the route is not there at all: that is no evidence the check works
        const got =
          res.status === 401 || res.status === 403
            ? res.status
            : res.status >= 500 || res.status === 404 || res.status === 405
              ? `error ${res.status}`
              : "through";
        if (got !== expected)
          wrong.push(
            `${action.surface} ${action.kind} as ${who}: expected ${expected}, got ${res.status} ${res.body.slice(0, 200)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);

  it("records who did each change", async () => {
    const curator = await db.prisma.user.findFirstOrThrow({
      where: { role: "curator", email: { endsWith: "@test.example" } },
      select: { id: true },
    });
    const datasets = await db.prisma.dataset.findMany({
      where: { name: { startsWith: "rest-" } },
      select: { createdById: true },
    });
    expect(datasets.length).toBe(2); // the curator's and the administrator's
    expect(datasets.map((d) => d.createdById)).toContain(curator.id);
    const audited = await db.prisma.auditEvent.findMany({
      where: { operation: "dataset.create" },
      select: { userId: true, via: true },
    });
    expect(audited.length).toBe(4);
    expect(audited.every((a) => a.via === "token")).toBe(true);
    // No change made through the web or the API is attributed to the local system user.
    const local = db.defaultUserId;
    expect(
      await db.prisma.reviewEvent.count({
        where: {
          userId: local,
          createdAt: { gt: new Date(Date.now() - 10 * 60_000) },
          kind: { in: ["comment", "revision"] },
        },
      }),
    ).toBe(0);
    expect(await db.prisma.taskRevision.count({ where: { authorId: local, source: "edit" } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { userId: local } })).toBe(0);
  });
});
