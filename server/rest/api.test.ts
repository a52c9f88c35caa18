import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { setReviewStatus } from "../review/review-tasks";
import { importTasks } from "../tasks/import-tasks";
import { registerFixturePack, runFilterNow, tokenFor } from "../testing/fixtures";
import { callApi } from "../testing/rest";

let db: Db;
let auth: Record<string, string>;
const call = (method: string, path: string, body?: unknown) => callApi(db, auth, method, path, body);

beforeAll(async () => {
  db = await createTestDb();
  auth = (await tokenFor(db, "curator")).headers;
  await registerFixturePack(db, "calc");
  const t = (id: string) =>
    JSON.stringify({
      id,
      environment: "calc",
      instruction: `Task ${id}`,
      verifier: "def verify(s, a):\n    return a == '1'",
      solution: "respond('1')",
      failure_cases: ["pass"],
    });
  await importTasks({ db, source: Readable.from([[t("a1"), t("a2")].join("\n")]), batchName: "api" });
}, 120_000);
afterAll(async () => {
  await db.close();
});

describe("REST API", () => {
  it("lists and reads tasks", async () => {
    const list = await call("GET", "/api/v1/tasks?batch=api&sort=externalId&dir=asc&limit=1");
    expect(list.status).toBe(200);
    expect(list.json.items.map((t: { externalId: string }) => t.externalId)).toEqual(["a1"]);
    expect(list.json.nextCursor).toEqual(expect.any(String));
    const one = await call("GET", `/api/v1/tasks/${list.json.items[0].id}`);
    expect(one.json).toMatchObject({ externalId: "a1", verdictStatus: "pending", latestRun: null, cases: [] });
    expect((await call("GET", "/api/v1/tasks/999999")).status).toBe(404);
    expect((await call("GET", "/api/v1/tasks/abc")).status).toBe(404);
  });

  it("queues a rerun and reports its progress; cancels it", async () => {
    const r = await call("POST", "/api/v1/reruns", { filter: { batch: "api" } });
    expect(r).toMatchObject({ status: 201, json: { taskCount: 2, rerunId: expect.any(Number) } });
    const p = await call("GET", `/api/v1/reruns/${r.json.rerunId}`);
    expect(p.json).toMatchObject({ taskCount: 2, runs: { queued: 2 }, finished: false });
    expect((await call("DELETE", `/api/v1/reruns/${r.json.rerunId}`)).json).toEqual({ cancelled: 2 });
  });

  it("creates, fills and publishes a dataset", async () => {
    expect((await call("POST", "/api/v1/datasets", { name: "api-set" })).status).toBe(201);
    expect((await call("POST", "/api/v1/datasets", { name: "api-set" })).status).toBe(409);
    expect((await call("POST", "/api/v1/datasets", { name: "a/b" })).status).toBe(400);
    await runFilterNow(db, { filter: { batch: "api" } });
    await setReviewStatus({
      db,
      userId: db.defaultUserId,
      selection: { filter: { batch: "api" } },
      status: "approved",
    });
    expect((await call("POST", "/api/v1/datasets/api-set/tasks", { filter: { batch: "api" } })).json).toEqual({
      added: 2,
      alreadyIn: 0,
      skippedNotApproved: 0,
    });
    const v = await call("POST", "/api/v1/datasets/api-set/versions", { notes: "via API" });
    expect(v).toMatchObject({ status: 201, json: { version: 1, tasks: 2, excluded: [] } });
    expect((await call("POST", "/api/v1/datasets/missing/versions", {})).status).toBe(404);
  });

  it("refuses malformed bodies and unknown fields, naming them", async () => {
    const bad = await call("POST", "/api/v1/reruns", "{not json");
    expect(bad).toMatchObject({ status: 400, json: { error: { message: expect.stringContaining("not valid JSON") } } });
    const unknown = await call("POST", "/api/v1/datasets", { name: "x", colour: "red" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.issues).toEqual([{ where: "body", path: "colour", message: "unknown field" }]);
    const badQuery = await call("GET", "/api/v1/tasks?limit=9999");
    expect(badQuery.json.error.issues[0]).toMatchObject({ where: "query", path: "limit" });
    expect((await call("GET", "/api/v1/nope")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/datasets")).status).toBe(405);
  });

  it("describes itself as OpenAPI", async () => {
    const doc = await call("GET", "/api/v1/openapi.json");
    expect(doc.json.openapi).toBe("3.1.0");
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(["/api/v1/tasks", "/api/v1/reruns", "/api/v1/datasets/{dataset}/versions", "/api/import"]),
    );
    expect(
      doc.json.paths["/api/v1/datasets"].post.requestBody.content["application/json"].schema.properties.name,
    ).toMatchObject({ type: "string" });
  });
});
