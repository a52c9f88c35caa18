// The web server's front door, tested against the real production server: no path from a request,
// no write from another site or another Host name, framing refused, limits enforced while
// streaming. Each test checks both the answer and that nothing changed on the host or in the data.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { addTasksToDataset, createDataset, publishVersion } from "../datasets/datasets";
import { setReviewStatus } from "../review/review-tasks";
import { importTasks } from "../tasks/import-tasks";
import { rawRequest, startAppServer, type AppServer } from "../testing/app-server";
import { tokenFor } from "../testing/fixtures";

let db: Db;
let app: AppServer;
let victim: string;
/** A curator's token: the writes these tests make are refused by the front door, not for lack of a role. */
let auth: Record<string, string>;

const line = (id: string) =>
  JSON.stringify({
    id,
    environment: "sec",
    instruction: `do ${id}`,
    verifier: "def verify(state, answer):\n    return True\n",
    solution: "respond('x')",
    failure_cases: [],
  });

beforeAll(async () => {
  db = await createTestDb();
  await db.prisma.environment.create({ data: { name: "sec" } });
  auth = (await tokenFor(db, "curator")).headers;
  await importTasks({ db, source: Readable.from([["sec-1", "sec-2"].map(line).join("\n")]), batchName: "sec-batch" });
  const ids = (await db.prisma.task.findMany({ select: { id: true } })).map((t) => t.id);
  // No pack runs these tasks: they go in approved by override, which publishing accepts.
  await setReviewStatus({
    userId: db.defaultUserId,
    db,
    selection: { taskIds: ids },
    status: "approved",
    override: { reason: "fixture without a pack" },
  });
  await createDataset({ userId: db.defaultUserId, db, name: "ds" });
  await addTasksToDataset({ userId: db.defaultUserId, db, dataset: "ds", selection: { taskIds: ids } });
  await publishVersion({ userId: db.defaultUserId, db, dataset: "ds" });
  victim = fs.mkdtempSync(path.join(os.tmpdir(), "cat-victim-"));
  fs.writeFileSync(path.join(victim, "precious.txt"), "keep me");
  app = await startAppServer({ DATABASE_URL: db.url });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.close();
  if (victim) fs.rmSync(victim, { recursive: true, force: true });
});

const victimIntact = () => {
  expect(fs.readdirSync(victim)).toEqual(["precious.txt"]);
  expect(fs.readFileSync(path.join(victim, "precious.txt"), "utf8")).toBe("keep me");
};

describe("dataset downloads build no path from the request", () => {
  for (const format of ["hf", "jsonl", "parquet"]) {
    it(`refuses a version reference with a path in it (${format}) and touches nothing`, async () => {
      const ref = encodeURIComponent(`ds@1@/../../../../../../..${victim}`);
      const res = await rawRequest(app.port, { path: `/api/datasets/${ref}/export?format=${format}`, headers: auth });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.message).toMatch(/NAME or NAME@NUMBER/);
      victimIntact();
    });
  }

  it("refuses names with path characters and unknown formats", async () => {
    for (const ref of [encodeURIComponent(`../..${victim}`), encodeURIComponent("ds@1/../x"), "ds@-1", "ds@1.5"]) {
      const res = await rawRequest(app.port, { path: `/api/datasets/${ref}/export?format=jsonl`, headers: auth });
      expect(res.status, ref).toBe(400);
    }
    expect((await rawRequest(app.port, { path: "/api/datasets/ds/export?format=../../x", headers: auth })).status).toBe(
      400,
    );
    victimIntact();
  });

  it("still serves a real version, named from the stored name", async () => {
    const res = await rawRequest(app.port, { path: "/api/datasets/ds@1/export?format=jsonl", headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers["content-disposition"]).toBe('attachment; filename="ds-v1.jsonl"');
    expect(
      res.body
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id)
        .sort(),
    ).toEqual(["sec-1", "sec-2"]);
  });
});

describe("writes from another site or another host name are refused", () => {
  const batches = async () =>
    (await db.prisma.importBatch.findMany({ select: { name: true } })).map((b) => b.name).sort();

  it("refuses a no-cors text/plain import from another origin, and imports nothing", async () => {
    const before = await batches();
    const res = await rawRequest(app.port, {
      method: "POST",
      path: "/api/import?batch=evil&env=sec",
      headers: { ...auth, origin: "http://evil.example", "content-type": "text/plain" },
      body: line("evil-1"),
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe("CROSS_SITE");
    expect(await batches()).toEqual(before);
  });

  it("refuses a request whose Origin is this host on another port, and one marked cross-site", async () => {
    const other = await rawRequest(app.port, {
      method: "POST",
      path: "/api/v1/datasets",
      headers: { ...auth, origin: `http://127.0.0.1:${app.port + 1}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "evil-ds" }),
    });
    expect(other.status).toBe(403);
    const marked = await rawRequest(app.port, {
      method: "POST",
      path: "/api/v1/datasets",
      headers: { ...auth, "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: JSON.stringify({ name: "evil-ds" }),
    });
    expect(marked.status).toBe(403);
    expect(await db.prisma.dataset.count({ where: { name: "evil-ds" } })).toBe(0);
  });

  it("refuses a foreign Host (DNS rebinding), reads included", async () => {
    const task = (await db.prisma.task.findFirstOrThrow({ where: { externalId: "sec-1" }, select: { id: true } })).id;
    await setReviewStatus({ userId: db.defaultUserId, db, selection: { taskIds: [task] }, status: "unreviewed" });
    const res = await rawRequest(app.port, {
      method: "POST",
      path: "/api/trpc/review.setStatus",
      headers: {
        ...auth,
        host: `attacker.example:${app.port}`,
        origin: `http://attacker.example:${app.port}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ json: { selection: { taskIds: [task] }, status: "approved" } }),
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe("FORBIDDEN_HOST");
    expect(
      (await db.prisma.task.findUniqueOrThrow({ where: { id: task }, select: { reviewStatus: true } })).reviewStatus,
    ).toBe("unreviewed");
    const read = await rawRequest(app.port, {
      path: "/api/v1/tasks",
      headers: { ...auth, host: `attacker.example:${app.port}` },
    });
    expect(read.status).toBe(403);
  });

  it("refuses an API write whose body is not JSON", async () => {
    const res = await rawRequest(app.port, {
      method: "POST",
      path: "/api/v1/datasets",
      headers: { ...auth, "content-type": "text/plain" },
      body: JSON.stringify({ name: "plain-ds" }),
    });
    expect(res.status).toBe(415);
    expect(await db.prisma.dataset.count({ where: { name: "plain-ds" } })).toBe(0);
  });

  it("accepts the same writes from its own origin and from scripts", async () => {
    const own = await rawRequest(app.port, {
      method: "POST",
      path: "/api/v1/datasets",
      headers: {
        ...auth,
        origin: `http://127.0.0.1:${app.port}`,
        "sec-fetch-site": "same-origin",
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "own-ds" }),
    });
    expect(own.status).toBe(201);
    const script = await rawRequest(app.port, {
      method: "POST",
      path: "/api/v1/datasets",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ name: "script-ds" }),
    });
    expect(script.status).toBe(201);
    const localhost = await rawRequest(app.port, {
      path: "/api/v1/datasets",
      headers: { ...auth, host: `localhost:${app.port}` },
    });
    expect(localhost.status).toBe(200);
  });

  it("sends frame-ancestors 'none', X-Frame-Options and a CSP on pages and API answers", async () => {
    for (const p of ["/tasks", "/api/v1/datasets", "/api/health"]) {
      const res = await rawRequest(app.port, { path: p });
      expect(res.headers["x-frame-options"], p).toBe("DENY");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("default-src 'self'");
      expect(res.headers["x-content-type-options"], p).toBe("nosniff");
    }
  });
});

describe("every method the API defines reaches it", () => {
  it("serves PUT (a review policy) through the real server, not 405", async () => {
    const res = await rawRequest(app.port, {
      method: "PUT",
      path: "/api/v1/datasets/ds/review-policy",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ approvals: 1 }),
    });
    expect(res.status, res.body).toBeLessThan(300);
  });
});

describe("concurrent uploads", () => {
  it("20 parallel imports into one new batch name all succeed, into one batch", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rawRequest(app.port, {
          method: "POST",
          path: "/api/import?batch=parallel&fileName=p.jsonl",
          headers: { ...auth, "content-type": "application/octet-stream" },
          body: line(`par-${i}`),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => JSON.parse(r.body).batch.id)).size).toBe(1);
    expect(await db.prisma.taskBatch.count({ where: { batch: { name: "parallel" } } })).toBe(20);
  });
});

describe("request bodies are bounded while they stream", () => {
  it("stops a chunked API body without Content-Length at the limit", async () => {
    const chunk = Buffer.alloc(1 << 20, 0x20);
    function* body() {
      yield Buffer.from('{"name": "big", "description": "');
      for (let i = 0; i < 40; i++) yield chunk;
      yield Buffer.from('"}');
    }
    const res = await rawRequest(app.port, {
      method: "POST",
      path: "/api/v1/datasets",
      headers: { ...auth, "content-type": "application/json", "transfer-encoding": "chunked" },
      body: body(),
    }).catch((err: Error) => ({ status: -1, body: err.message, headers: {} }));
    // The server answers 413 (or closes the connection once it has refused the body).
    expect([413, -1], res.body).toContain(res.status);
    expect(await db.prisma.dataset.count({ where: { name: "big" } })).toBe(0);
    expect((await rawRequest(app.port, { path: "/api/health" })).status).toBe(200);
  });
});
