// Accounts against the production server: first start (setup once), the session cookie's attributes
// over http and behind a trusted https proxy, the front door for anonymous callers, cross-site
// refusal of a request that carries a session cookie, and tokens that stop working when revoked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { rawRequest, startAppServer, type AppServer } from "../testing/app-server";

let db: Db;
let app: AppServer;
let origin: string;
let session = "";

beforeAll(async () => {
  db = await createTestDb();
  app = await startAppServer({ DATABASE_URL: db.url, CAT_TRUST_PROXY: "1" });
  origin = `http://127.0.0.1:${app.port}`;
}, 180_000);
afterAll(async () => {
  await app?.stop();
  await db?.close();
});

const json = { "content-type": "application/json" };
const trpcQuery = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(app.port, {
    path: `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: null }))}`,
    headers,
  });
const trpcMutation = (path: string, input: unknown, headers: Record<string, string> = {}) =>
  rawRequest(app.port, {
    method: "POST",
    path: `/api/trpc/${path}`,
    headers: { ...json, origin, ...headers },
    body: JSON.stringify({ json: input }),
  });
const cookiesOf = (setCookie: string | string[] | undefined) =>
  ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(";")[0])
    .join("; ");
const data = (body: string) => JSON.parse(body).result.data.json;

describe("first start", () => {
  it("sends a visitor to sign-in; the API answers 401 without a token, health and the OpenAPI document stay open", async () => {
    const page = await rawRequest(app.port, { path: "/tasks?verdict=accepted" });
    expect(page.status).toBe(307);
    expect(page.headers.location).toMatch(/\/sign-in\?next=%2Ftasks%3Fverdict%3Daccepted$/);
    expect((await rawRequest(app.port, { path: "/sign-in" })).status).toBe(200);
    for (const path of ["/api/v1/tasks", "/api/v1/datasets", "/api/v1/no-such-route"]) {
      const res = await rawRequest(app.port, { path });
      expect(res.status, path).toBe(401);
      expect(res.headers["www-authenticate"], path).toMatch(/^Bearer/);
    }
    expect(
      (await rawRequest(app.port, { method: "POST", path: "/api/v1/datasets", headers: json, body: "{}" })).status,
    ).toBe(401);
    expect((await rawRequest(app.port, { path: "/api/v1/openapi.json" })).status).toBe(200);
    expect((await rawRequest(app.port, { path: "/api/health" })).status).toBe(200);
    expect((await trpcQuery("task.count")).status).toBe(401);
    expect(data((await trpcQuery("account.status")).body)).toMatchObject({ needsSetup: true, user: null });
  });

  it("creates the administrator once, signed in with an HttpOnly SameSite=Lax cookie", async () => {
    const res = await trpcMutation("account.setup", { email: "admin@lab.example", password: "first admin password" });
    expect(res.status, res.body).toBe(200);
    const cookie = ([] as string[])
      .concat(res.headers["set-cookie"] ?? [])
      .find((c) => c.startsWith("cat.session_token="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    session = cookiesOf(res.headers["set-cookie"]);
    expect(data((await trpcQuery("account.status", { cookie: session })).body)).toMatchObject({
      needsSetup: false,
      user: { email: "admin@lab.example", role: "admin" },
    });
    const again = await trpcMutation("account.setup", {
      email: "intruder@evil.example",
      password: "intruder password",
    });
    expect(again.status).toBe(409);
    expect(await db.prisma.user.count({ where: { email: "intruder@evil.example" } })).toBe(0);
    // The session reaches pages and the REST API alike.
    expect((await rawRequest(app.port, { path: "/tasks", headers: { cookie: session } })).status).toBe(200);
    expect((await rawRequest(app.port, { path: "/api/v1/tasks", headers: { cookie: session } })).status).toBe(200);
  });

  it("marks the cookie Secure behind a trusted proxy that says https", async () => {
    const res = await rawRequest(app.port, {
      method: "POST",
      path: "/api/auth/sign-in/email",
      headers: { ...json, origin, "x-forwarded-proto": "https" },
      body: JSON.stringify({ email: "admin@lab.example", password: "first admin password" }),
    });
    expect(res.status, res.body).toBe(200);
    const cookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []).find((c) => c.includes("session_token="))!;
    expect(cookie).toMatch(/^__Secure-cat\.session_token=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
  });

  it("never logs a password", async () => {
    await rawRequest(app.port, {
      method: "POST",
      path: "/api/auth/sign-in/email",
      headers: { ...json, origin },
      body: JSON.stringify({ email: "admin@lab.example", password: "a wrong password 12345" }),
    });
    expect(app.log()).not.toContain("first admin password");
    expect(app.log()).not.toContain("a wrong password 12345");
  });
});

describe("a request carrying a session cookie from another site", () => {
  it("is refused on every kind of state-changing route, and changes nothing", async () => {
    const evil = { cookie: session, origin: "http://evil.example" };
    const attempts = [
      trpcMutation("dataset.create", { name: "evil-trpc" }, evil),
      rawRequest(app.port, {
        method: "POST",
        path: "/api/v1/datasets",
        headers: { ...json, ...evil },
        body: JSON.stringify({ name: "evil-rest" }),
      }),
      rawRequest(app.port, {
        method: "POST",
        path: "/api/import?batch=evil-import",
        headers: { ...evil, "content-type": "text/plain" },
        body: "{}",
      }),
      rawRequest(app.port, {
        method: "POST",
        path: "/api/packs?name=evil-pack",
        headers: { ...evil, "content-type": "application/zip" },
        body: "PK",
      }),
      rawRequest(app.port, { method: "POST", path: "/api/auth/sign-out", headers: { ...json, ...evil }, body: "{}" }),
      trpcMutation("account.createToken", { name: "stolen" }, evil),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe("CROSS_SITE");
    }
    expect(await db.prisma.dataset.count()).toBe(0);
    expect(await db.prisma.importBatch.count()).toBe(0);
    expect(await db.prisma.apiToken.count()).toBe(0);
    // The session survived the forged sign-out.
    expect((await rawRequest(app.port, { path: "/api/v1/tasks", headers: { cookie: session } })).status).toBe(200);
  });
});

describe("API tokens", () => {
  it("are made from a session, act until revoked, and cannot make more tokens", async () => {
    const made = await trpcMutation("account.createToken", { name: "ci" }, { cookie: session });
    expect(made.status, made.body).toBe(200);
    const { token, id } = data(made.body) as { token: string; id: number };
    const bearer = { authorization: `Bearer ${token}` };
    expect((await rawRequest(app.port, { path: "/api/v1/tasks", headers: bearer })).status).toBe(200);
    const minted = await trpcMutation("account.createToken", { name: "child" }, bearer);
    expect(minted.status).toBe(403);
    expect((await trpcMutation("account.revokeToken", { tokenId: id }, { cookie: session })).status).toBe(200);
    const after = await rawRequest(app.port, { path: "/api/v1/tasks", headers: bearer });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body).error.code).toBe("UNAUTHORIZED");
    expect((await trpcQuery("task.count", bearer)).status).toBe(401);
    expect(app.log()).not.toContain(token);
  });

  it("end with the session on sign-out", async () => {
    const out = await rawRequest(app.port, {
      method: "POST",
      path: "/api/auth/sign-out",
      headers: { ...json, origin, cookie: session },
      body: "{}",
    });
    expect(out.status, out.body).toBe(200);
    expect((await rawRequest(app.port, { path: "/api/v1/tasks", headers: { cookie: session } })).status).toBe(401);
  });
});
