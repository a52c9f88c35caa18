// Every page and API call needs a signed-in user (server/auth). The e2e run creates the administrator
// on the fresh database once, through the API (never the form), and every test starts signed in.
import os from "node:os";
import path from "node:path";
import type { APIRequestContext, Browser } from "@playwright/test";

const ADMIN = { email: "curator@e2e.example", name: "Ada Curator", password: "e2e-password-not-secret" };

/** The signed-in session the tests start with (config `use.storageState`). */
export const ADMIN_STATE = path.join(os.tmpdir(), "cat-e2e-admin-state.json");

/**
 * Signs the request context in as the administrator of the server at its base URL: creates the
 * administrator on a fresh database (first-start setup signs in too), else signs in.
 */
export async function signInAdmin(request: APIRequestContext, base = "") {
  const setup = await request.post(`${base}/api/trpc/account.setup`, { data: { json: ADMIN } });
  if (setup.ok()) return;
  const signIn = await request.post(`${base}/api/auth/sign-in/email`, {
    data: { email: ADMIN.email, password: ADMIN.password },
  });
  if (!signIn.ok())
    throw new Error(
      `signing in failed: setup ${setup.status()} ${await setup.text()}; sign-in ${signIn.status()} ${await signIn.text()}`,
    );
}

/** A password for the users a test makes (their emails are unique to the test). */
export const USER_PASSWORD = "e2e-user-password-not-secret";

/** Adds a user with a role and a password, as the administrator, through the API; returns its id. */
export async function addUser(
  request: APIRequestContext,
  user: { email: string; name: string; role: "viewer" | "reviewer" | "curator" | "admin" },
): Promise<number> {
  const res = await request.post("/api/v1/users", { data: { ...user, password: USER_PASSWORD } });
  if (!res.ok()) throw new Error(`adding ${user.email} failed: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

/**
 * A second person: a browser context of their own (none of the administrator's cookies), signed in
 * as `email` through the API. Close it at the end of the test.
 */
export async function signedInContext(browser: Browser, email: string, password = USER_PASSWORD) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const res = await context.request.post("/api/auth/sign-in/email", { data: { email, password } });
  if (!res.ok()) throw new Error(`signing in as ${email} failed: ${res.status()} ${await res.text()}`);
  return context;
}
