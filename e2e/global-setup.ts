import { request, type FullConfig } from "@playwright/test";
import { ADMIN_STATE, signInAdmin } from "./auth";

/** Runs once after the web server is up: the administrator's session for every test. */
export default async function globalSetup(config: FullConfig) {
  const ctx = await request.newContext({ baseURL: config.projects[0]?.use.baseURL });
  await signInAdmin(ctx);
  await ctx.storageState({ path: ADMIN_STATE });
  await ctx.dispose();
}
