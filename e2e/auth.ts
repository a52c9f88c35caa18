// Every page and API call needs a signed-in user (server/auth). The e2e run creates the administrator
// on the fresh database once, through the API (never the form), and every test starts signed in.
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

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
