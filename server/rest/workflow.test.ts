// The whole curation workflow over REST, in-process against a real database and sandbox: every
// answer is also checked against the output schema the OpenAPI document shows (server/rest/routes.ts
// does that under Vitest). Validation errors name their field; tasks answer by number and by
// environment/external id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import {
  acceptedTask,
  importLines,
  lenientTask,
  registerFixturePack,
  runFilterNow,
  tokenFor,
} from "../testing/fixtures";
import { callApi } from "../testing/rest";
import { handleApiRequest } from "./routes";

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into JSON answers
type Json = any;

let db: Db;
const tokens: Record<string, Record<string, string>> = {};
const ids: Record<string, number> = {};

const call = (who: string, method: string, path: string, body?: unknown) =>
  callApi(db, tokens[who]!, method, path, body);

beforeAll(async () => {
  db = await createTestDb();
  for (const role of ["viewer", "reviewer", "curator", "admin"] as const)
    tokens[role] = (await tokenFor(db, role)).headers;
  await registerFixturePack(db, "calc");
  await importLines(db, "wf", [
    acceptedTask("w-good", "calc"),
    lenientTask("w-lenient", "calc"),
    acceptedTask("w/slash", "calc"),
  ]);
  for (const t of await db.prisma.task.findMany({ select: { id: true, externalId: true } })) ids[t.externalId] = t.id;
  await runFilterNow(db, { filter: { batch: "wf" } });
}, 180_000);
afterAll(() => db.close());

describe("REST: one contract with tRPC", () => {
  it("names the field of every validation error", async () => {
    const bad = await call("curator", "POST", "/api/v1/reruns", { taskIds: ["retail-0001"] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues).toEqual([
      { where: "body", path: "taskIds.0", message: expect.stringContaining("task number") },
    ]);
    expect(bad.json.error.message).toContain("taskIds.0");
    const both = await call("curator", "POST", "/api/v1/reruns", { taskIds: [1], filter: {} });
    expect(both.json.error.issues[0].message).toMatch(/either taskIds .* or filter/);
    const nested = await call("curator", "POST", "/api/v1/datasets/x/tasks", { filter: { verdict: "maybe" } });
    expect(nested.json.error.issues).toEqual([{ where: "body", path: "filter.verdict", message: expect.any(String) }]);
    const query = await call("viewer", "GET", "/api/v1/tasks?limit=0&colour=red");
    expect(query.json.error.issues).toEqual([{ where: "query", path: "colour", message: "unknown field" }]);
    const reason = await call("reviewer", "POST", `/api/v1/tasks/${ids["w-good"]}/review`, { decision: "maybe" });
    expect(reason.json.error.issues).toEqual([{ where: "body", path: "decision", message: expect.any(String) }]);
  });

  it("addresses a task by number or by environment/external id, with its case matrix", async () => {
    const byId = await call("viewer", "GET", `/api/v1/tasks/${ids["w-good"]}`);
    expect(byId).toMatchObject({
      status: 200,
      json: { externalId: "w-good", verdictStatus: "accepted", latestRun: { status: "done" } },
    });
    expect(byId.json.cases.map((c: { role: string; outcome: string }) => `${c.role}:${c.outcome}`)).toEqual([
      "solution:pass",
      "failure:fail",
      "failure:fail",
    ]);
    const byRef = await call("viewer", "GET", "/api/v1/tasks/calc/w-good");
    expect(byRef.json.id).toBe(ids["w-good"]);
    expect((await call("viewer", "GET", `/api/v1/tasks/calc/${encodeURIComponent("w/slash")}`)).json.externalId).toBe(
      "w/slash",
    );
    expect((await call("viewer", "GET", "/api/v1/tasks/calc/nope")).status).toBe(404);
    expect((await call("viewer", "GET", "/api/v1/tasks/calc/w-good/history")).json.revisions).toHaveLength(1);
  });

  it("reviews with the override reason where the filter did not accept the task", async () => {
    const refused = await call("reviewer", "POST", "/api/v1/tasks/calc/w-lenient/review", { decision: "approve" });
    expect(refused.status).toBe(409);
    expect(refused.json.error.details.refused[0]).toMatchObject({ externalId: "w-lenient", block: "rejected" });
    const overridden = await call("reviewer", "POST", "/api/v1/tasks/calc/w-lenient/review", {
      decision: "approve",
      reason: "the failure case is wrong",
    });
    expect(overridden).toMatchObject({
      status: 200,
      json: { status: "approved", override: { reason: "the failure case is wrong" }, changed: true },
    });
    expect(
      (await call("reviewer", "POST", `/api/v1/tasks/${ids["w-good"]}/review`, { decision: "reject", reason: "x" }))
        .status,
    ).toBe(400);
    expect(
      (await call("reviewer", "POST", `/api/v1/tasks/${ids["w-good"]}/review`, { decision: "approve" })).json,
    ).toMatchObject({ status: "approved", override: null });
    const again = await call("reviewer", "POST", `/api/v1/tasks/${ids["w-good"]}/review`, { decision: "approve" });
    expect(again.json.changed).toBe(false);
    const bulk = await call("reviewer", "POST", "/api/v1/reviews", {
      selection: { filter: { batch: "wf" } },
      status: "needs_edit",
    });
    expect(bulk.json).toMatchObject({ matched: 3, changed: 3 });
    await call("reviewer", "POST", "/api/v1/reviews", {
      selection: { taskIds: [ids["w-good"], ids["w/slash"]] },
      status: "approved",
    });
  });

  it("labels by name, comments, and keeps both in the history", async () => {
    const labels = await call("viewer", "GET", "/api/v1/labels");
    expect(labels.json.map((l: { name: string }) => l.name)).toContain("false positive");
    expect(
      (
        await call("reviewer", "POST", "/api/v1/task-labels", {
          selection: { taskIds: [ids["w-lenient"]] },
          label: "false positive",
        })
      ).json,
    ).toMatchObject({ matched: 1, changed: 1 });
    expect(
      (
        await call("reviewer", "POST", "/api/v1/task-labels", {
          selection: { taskIds: [ids["w-lenient"]] },
          label: "no such label",
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call("reviewer", "POST", "/api/v1/tasks/calc/w-lenient/comments", {
          body: "the failure case does nothing",
        })
      ).status,
    ).toBe(201);
    const history = await call("viewer", "GET", "/api/v1/tasks/calc/w-lenient/history");
    expect(history.json.entries.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(["comment", "label_added", "status"]),
    );
    expect((await call("curator", "POST", "/api/v1/labels", { name: "wf-label", color: "#112233" })).status).toBe(201);
  });

  it("saves a revision by field and refuses one made on an older revision", async () => {
    const task = await call("viewer", "GET", "/api/v1/tasks/calc/w-lenient");
    const base = task.json.currentRevision.id;
    const saved = await call("curator", "POST", "/api/v1/tasks/calc/w-lenient/revisions", {
      failureCases: ["respond('5')"],
      note: "a failure case that fails",
    });
    expect(saved).toMatchObject({ status: 201, json: { number: 2, rerunId: expect.any(Number) } });
    const stale = await call("curator", "POST", "/api/v1/tasks/calc/w-lenient/revisions", {
      instruction: "Answer 4, please.",
      baseRevisionId: base,
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.details.current).toMatchObject({ number: 2, failureCases: ["respond('5')"] });
    expect((await call("curator", "POST", "/api/v1/tasks/calc/w-lenient/revisions", {})).status).toBe(400);
    const after = await call("viewer", "GET", "/api/v1/tasks/calc/w-lenient");
    expect(after.json).toMatchObject({
      revisionCount: 2,
      reviewStatus: "unreviewed",
      reviewStale: true,
      currentRevision: { solution: "respond('4')", failureCases: ["respond('5')"] },
    });
  });

  it("tries an edit in the sandbox without saving it", async () => {
    const tried = await call("reviewer", "POST", "/api/v1/tasks/calc/w-good/try", { solution: "respond('5')" });
    expect(tried).toMatchObject({
      status: 200,
      json: { after: { status: "rejected", reason: "solution_not_passing" } },
    });
    expect(tried.json.flips.find((f: { role: string }) => f.role === "solution")).toMatchObject({
      before: "pass",
      after: "fail",
      flipped: true,
    });
    expect((await call("viewer", "GET", "/api/v1/tasks/calc/w-good")).json.revisionCount).toBe(1);
  });

  it("lists batches and imports; runs the filter and follows it", async () => {
    expect((await call("viewer", "GET", "/api/v1/batches")).json).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "wf", tasks: 3 })]),
    );
    const imports = await call("viewer", "GET", "/api/v1/imports");
    expect((await call("viewer", "GET", `/api/v1/imports/${imports.json[0].id}`)).json).toMatchObject({
      batchName: "wf",
      errors: [],
    });
    const rerun = await call("curator", "POST", "/api/v1/reruns", { taskIds: [ids["w-good"]] });
    expect((await call("viewer", "GET", `/api/v1/reruns/${rerun.json.rerunId}`)).json).toMatchObject({ taskCount: 1 });
    expect((await call("curator", "DELETE", `/api/v1/reruns/${rerun.json.rerunId}`)).json).toMatchObject({
      cancelled: 1,
    });
    expect((await call("viewer", "GET", "/api/v1/statistics?days=7")).status).toBe(200);
    expect((await call("viewer", "GET", "/api/v1/environments")).json[0]).toMatchObject({ name: "calc" });
    expect((await call("viewer", "GET", "/api/v1/me")).json.user).toMatchObject({ role: "viewer" });
  });

  it("manages a working set, previews and publishes with the exclusion report, exports", async () => {
    expect((await call("curator", "POST", "/api/v1/datasets", { name: "wf-set" })).status).toBe(201);
    const added = await call("curator", "POST", "/api/v1/datasets/wf-set/tasks", { filter: { batch: "wf" } });
    expect(added.json).toEqual({ added: 2, alreadyIn: 0, skippedNotApproved: 1 });
    expect(
      (await call("viewer", "GET", "/api/v1/datasets/wf-set/tasks?sort=externalId&dir=asc")).json.items.map(
        (t: { externalId: string }) => t.externalId,
      ),
    ).toEqual(["w-good", "w/slash"]);
    const preview = await call("viewer", "GET", "/api/v1/datasets/wf-set/publish-preview");
    expect(preview.json).toMatchObject({ included: 2, excludedCount: 0 });
    expect(
      (await call("curator", "DELETE", "/api/v1/datasets/wf-set/tasks", { taskIds: [ids["w/slash"]] })).json,
    ).toEqual({ removed: 1 });
    const published = await call("curator", "POST", "/api/v1/datasets/wf-set/versions", { notes: "via REST" });
    expect(published).toMatchObject({ status: 201, json: { version: 1, tasks: 1, excluded: [] } });
    const exported = await call("curator", "POST", "/api/v1/datasets/wf-set/exports", { format: "jsonl" });
    expect(exported).toMatchObject({ status: 201, json: { version: 1, format: "jsonl", total: 1 } });
    expect((await call("viewer", "GET", `/api/v1/exports/${exported.json.exportId}`)).json).toMatchObject({
      status: "queued",
      ready: false,
    });
    const diff = await call("viewer", "GET", "/api/v1/datasets/wf-set/diff?from=1&to=1");
    expect(diff.json).toEqual({ added: [], removed: [], changed: [] });
  });

  it("checks the role on every route: viewers read, writes need their role", async () => {
    expect((await call("viewer", "GET", "/api/v1/tasks")).status).toBe(200);
    expect((await call("viewer", "POST", "/api/v1/datasets", { name: "v-set" })).status).toBe(403);
    expect((await call("viewer", "POST", "/api/v1/tasks/calc/w-good/review", { decision: "reject" })).status).toBe(403);
    expect((await call("reviewer", "POST", "/api/v1/tasks/calc/w-good/revisions", { instruction: "x" })).status).toBe(
      403,
    );
    expect(
      (await call("curator", "POST", "/api/v1/environments/calc/active-pack", { packHash: "0".repeat(64) })).status,
    ).toBe(403);
    expect((await call("curator", "GET", "/api/v1/users")).status).toBe(403);
    expect((await call("admin", "GET", "/api/v1/users")).status).toBe(200);
    const denied = await call("viewer", "DELETE", "/api/v1/labels/1");
    expect(denied.json.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("curator") });
  });

  it("runs several reviewers per task: policy, assignment, queue, decisions, agreement", async () => {
    const policy = await call("curator", "PUT", "/api/v1/datasets/wf-set/review-policy", { approvals: 2, blind: true });
    expect(policy).toMatchObject({
      status: 200,
      json: { dataset: "wf-set", approvals: 2, noRejection: true, blind: true, reviewersPerTask: 2 },
    });
    expect((await call("reviewer", "PUT", "/api/v1/batches/wf/review-policy", { approvals: 2 })).status).toBe(403);
    const reviewers = await call("curator", "GET", "/api/v1/reviewers");
    const reviewerIds = reviewers.json
      .filter((u: { role: string }) => u.role === "reviewer" || u.role === "curator")
      .map((u: { id: number }) => u.id);
    const assigned = await call("curator", "POST", "/api/v1/assignments", {
      selection: { filter: { batch: "wf" } },
      reviewerIds,
      perTask: 2,
    });
    expect(assigned.json).toMatchObject({ tasks: 3, assigned: 6 });
    const queue = await call("reviewer", "GET", "/api/v1/queue?limit=10");
    expect(queue.json).toMatchObject({ total: 3 });
    expect((await call("viewer", "GET", "/api/v1/tasks/calc/w-good/decisions")).json.decisions.length).toBeGreaterThan(
      0,
    );
    expect((await call("viewer", "GET", "/api/v1/agreement?batch=wf")).json).toMatchObject({
      decision: { method: expect.any(String) },
    });
    expect((await call("viewer", "GET", "/api/v1/disagreements?batch=wf")).status).toBe(200);
    expect((await call("curator", "DELETE", "/api/v1/datasets/wf-set/review-policy")).json).toEqual({ removed: true });
  });

  it("documents every route with its role, input and output", async () => {
    const doc = (await handleApiRequest(new Request("http://127.0.0.1/api/v1/openapi.json"), db).then((r) =>
      r.json(),
    )) as Json;
    const review = doc.paths["/api/v1/tasks/{taskId}/review"].post;
    expect(review).toMatchObject({ "x-role": "reviewer", "x-trpc-procedure": "review.decide" });
    expect(review.requestBody.content["application/json"].schema.properties.decision.enum).toEqual([
      "approve",
      "reject",
      "needs_edit",
    ]);
    expect(doc.paths["/api/v1/tasks/{environment}/{externalId}/review"].post.operationId).toBe(
      "review.decideByExternalId",
    );
    expect(doc.paths["/api/v1/tasks"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["limit", "cursor", "verdict"]),
    );
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { "x-role"?: string; responses: object }>>,
    )) {
      for (const op of Object.values(ops))
        expect(op["x-role"], path).toMatch(/^(viewer|reviewer|curator|admin|public)$/);
    }
  });
});
