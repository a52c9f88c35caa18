// Accounts against the real database and better-auth's real handlers: setup once, password sign-in
// with the session cookie's attributes, the login limit, the local user that cannot sign in,
// disabled users, tokens and their revocation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { actorFromRequest } from "./actor";
import { recordAudit } from "./audit";
import { handleAuthRequest } from "./http";
import { LOGIN_LIMITS, resetLoginLimits } from "./login-limit";
import { actorFromToken, createApiToken, revokeApiToken } from "./tokens";
import { cliActor, createUser, needsSetup, setUserPassword, setupAdministrator, updateUser } from "./users";

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(() => resetLoginLimits());

const ORIGIN = "http://127.0.0.1:3000";
const signIn = (email: string, password: string) =>
  handleAuthRequest(
    db,
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, host: "127.0.0.1:3000" },
      body: JSON.stringify({ email, password }),
    }),
  );
const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

describe("accounts", () => {
  it("starts without accounts; the CLI acts as the local user until the first administrator exists", async () => {
    expect(await needsSetup({ db })).toBe(true);
    expect(await cliActor({ db })).toMatchObject({ id: db.defaultUserId, role: "admin", via: "cli" });
  });

  it("creates the administrator once; a second setup is refused", async () => {
    const admin = await setupAdministrator({ db, email: "Admin@Lab.example", password: "correct horse battery" });
    expect(admin).toMatchObject({ email: "admin@lab.example", role: "admin" });
    expect(await needsSetup({ db })).toBe(false);
    await expect(
      setupAdministrator({ db, email: "other@lab.example", password: "another long password" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await cliActor({ db })).toMatchObject({ id: admin.id, email: "admin@lab.example", via: "cli" });
    // The password is stored hashed, where better-auth's sign-in reads it.
    const account = await db.prisma.authAccount.findFirstOrThrow({
      where: { userId: admin.id },
      select: { providerId: true, password: true },
    });
    expect(account.providerId).toBe("credential");
    expect(account.password).not.toContain("correct horse");
  });

  it("signs in with a password: an HttpOnly, SameSite=Lax session cookie (not Secure over plain http)", async () => {
    const res = await signIn("admin@lab.example", "correct horse battery");
    expect(res.status).toBe(200);
    const [cookie] = res.headers.getSetCookie().filter((c) => c.startsWith("cat.session_token="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const actor = await actorFromRequest(db, new Headers({ cookie: cookieOf(res) }));
    expect(actor).toMatchObject({ email: "admin@lab.example", role: "admin", via: "session" });
    expect(await actorFromRequest(db, new Headers())).toBeNull();
  });

  it("refuses a wrong password, then limits attempts on the account", async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++)
      expect((await signIn("admin@lab.example", `wrong password ${i}`)).status).toBe(401);
    const limited = await signIn("admin@lab.example", "correct horse battery");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account is not locked out by these failures.
    await createUser({ db, email: "rita@lab.example", role: "reviewer", password: "rita's long password" });
    expect((await signIn("rita@lab.example", "rita's long password")).status).toBe(200);
  });

  it("never signs in the local system user", async () => {
    const local = await db.prisma.user.findUniqueOrThrow({
      where: { id: db.defaultUserId },
      select: { email: true, role: true },
    });
    expect(local.role).toBeNull();
    const attempt = await signIn(local.email!, "any password at all");
    expect(attempt.status).toBeGreaterThanOrEqual(400);
    expect(attempt.headers.getSetCookie()).toEqual([]);
    await expect(
      setUserPassword({ db, userId: db.defaultUserId, password: "a new long password" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Nor does public sign-up exist.
    const signUp = await handleAuthRequest(
      db,
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email: "x@y.example", password: "long enough password", name: "x" }),
      }),
    );
    expect(signUp.status).toBeGreaterThanOrEqual(400);
    expect(await db.prisma.user.count({ where: { email: "x@y.example" } })).toBe(0);
  });

  it("ends a disabled user's sessions and refuses their sign-in; keeps the last administrator", async () => {
    const rita = await db.prisma.user.findUniqueOrThrow({ where: { email: "rita@lab.example" }, select: { id: true } });
    const session = cookieOf(await signIn("rita@lab.example", "rita's long password"));
    expect(await actorFromRequest(db, new Headers({ cookie: session }))).toMatchObject({ role: "reviewer" });
    await updateUser({ db, userId: rita.id, disabled: true });
    expect(await actorFromRequest(db, new Headers({ cookie: session }))).toBeNull();
    expect((await signIn("rita@lab.example", "rita's long password")).status).toBe(403);
    const admin = await db.prisma.user.findUniqueOrThrow({
      where: { email: "admin@lab.example" },
      select: { id: true },
    });
    await expect(updateUser({ db, userId: admin.id, role: "viewer" })).rejects.toMatchObject({ code: "CONFLICT" });
    await updateUser({ db, userId: rita.id, disabled: false });
  });

  it("tokens act with their user's current role, until revoked", async () => {
    const admin = await db.prisma.user.findUniqueOrThrow({
      where: { email: "admin@lab.example" },
      select: { id: true },
    });
    const rita = await db.prisma.user.findUniqueOrThrow({ where: { email: "rita@lab.example" }, select: { id: true } });
    const t = await createApiToken({ db, userId: rita.id, name: "script", createdById: admin.id });
    expect(t.token).toMatch(/^cat_/);
    const stored = await db.prisma.apiToken.findUniqueOrThrow({
      where: { id: t.id },
      select: { tokenHash: true, prefix: true },
    });
    expect(stored.tokenHash).not.toContain(t.token.slice(4));
    const bearer = new Headers({ authorization: `Bearer ${t.token}` });
    expect(await actorFromRequest(db, bearer)).toMatchObject({ id: rita.id, role: "reviewer", via: "token" });
    await updateUser({ db, userId: rita.id, role: "curator" });
    expect(await actorFromToken(db, t.token)).toMatchObject({ role: "curator" });
    await revokeApiToken({ db, tokenId: t.id });
    await expect(actorFromRequest(db, bearer)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(actorFromRequest(db, new Headers({ authorization: "Bearer cat_forged" }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(actorFromRequest(db, new Headers({ authorization: "Basic abc" }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("keeps passwords and tokens out of the audit log", async () => {
    const admin = await cliActor({ db });
    await recordAudit(db, admin, "account.addUser", {
      email: "a@b.example",
      password: "hunter2hunter2",
      nested: { token: "cat_x", name: "n" },
    });
    const row = await db.prisma.auditEvent.findFirstOrThrow({
      where: { operation: "account.addUser" },
      select: { input: true, userId: true },
    });
    expect(row).toEqual({ userId: admin.id, input: { email: "a@b.example", nested: { name: "n" } } });
  });
});
