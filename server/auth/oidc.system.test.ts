// Single sign-on against a real OpenID Connect server (the oidc-provider package, on 127.0.0.1 in this
// process), not a mock: discovery, the authorization code flow with PKCE, the token and userinfo
// endpoints, and the session the app makes from it. A first sign-in makes an account with the
// configured default role; an existing account with the same (verified) email is linked instead.
import http from "node:http";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "./users";
import type { Db } from "../db/client";
import { freePort } from "../db/embedded";
import { createTestDb } from "../db/test-db";
import { rawRequest, startAppServer, type AppServer } from "../testing/app-server";

const PEOPLE: Record<string, { email: string; name: string }> = {
  "sub-ada": { email: "ada@lab.example", name: "Ada Lovelace" },
  "sub-bob": { email: "bob@lab.example", name: "Bob Curator" },
};

let db: Db;
let app: AppServer;
let idp: http.Server;
let issuer: string;
let appOrigin: string;
/** The person the identity provider signs in at its next login prompt. */
let nextLogin = "sub-ada";

beforeAll(async () => {
  db = await createTestDb();
  const [idpPort, appPort] = [await freePort(), await freePort()];
  issuer = `http://127.0.0.1:${idpPort}`;
  appOrigin = `http://127.0.0.1:${appPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "cat-curator",
        client_secret: "a-client-secret-for-tests",
        redirect_uris: [`${appOrigin}/api/auth/callback/oidc`],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    findAccount: async (_ctx, sub) =>
      PEOPLE[sub]
        ? {
            accountId: sub,
            claims: async () => ({ sub, email: PEOPLE[sub]!.email, email_verified: true, name: PEOPLE[sub]!.name }),
          }
        : undefined,
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ["oidc-test-cookie-key"] },
  });
  const callback = provider.callback();
  // The login and consent prompts, answered at once for `nextLogin` (a person clicking through).
  idp = http.createServer((req, res) => {
    if (!req.url?.startsWith("/interaction/")) return callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const accountId = details.session?.accountId ?? nextLogin;
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId }, consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: false },
      );
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => idp.listen(idpPort, "127.0.0.1", resolve));
  app = await startAppServer(
    {
      DATABASE_URL: db.url,
      CAT_PUBLIC_URL: appOrigin,
      CAT_OIDC_ISSUER: issuer,
      CAT_OIDC_CLIENT_ID: "cat-curator",
      CAT_OIDC_CLIENT_SECRET: "a-client-secret-for-tests",
      CAT_OIDC_NAME: "Lab SSO",
      CAT_OIDC_DEFAULT_ROLE: "reviewer",
    },
    { port: appPort },
  );
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await new Promise((r) => idp?.close(r));
  await db?.close();
});

/** A browser's trip: start sign-in at the app, follow every redirect with a cookie jar per host. */
async function signInWithSso(): Promise<{ cookie: string; landedOn: string }> {
  const jar = new Map<string, Map<string, string>>();
  const keep = (host: string, setCookie: string[]) => {
    const cookies = jar.get(host) ?? new Map<string, string>();
    for (const c of setCookie) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    jar.set(host, cookies);
  };
  const cookieFor = (host: string) => [...(jar.get(host) ?? [])].map(([k, v]) => `${k}=${v}`).join("; ");
  const appHost = new URL(appOrigin).host;

  const start = await rawRequest(app.port, {
    method: "POST",
    path: "/api/auth/sign-in/social",
    headers: { "content-type": "application/json", origin: appOrigin },
    body: JSON.stringify({ provider: "oidc", callbackURL: "/tasks" }),
  });
  expect(start.status, start.body).toBe(200);
  keep(appHost, ([] as string[]).concat(start.headers["set-cookie"] ?? []));
  let url = JSON.parse(start.body).url as string;
  expect(url.startsWith(`${issuer}/auth?`)).toBe(true);
  for (let hop = 0; hop < 12; hop++) {
    const u = new URL(url);
    const res = await fetch(u, { redirect: "manual", headers: { cookie: cookieFor(u.host) } });
    keep(u.host, res.headers.getSetCookie());
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) {
      if (u.host === appHost) return { cookie: cookieFor(appHost), landedOn: u.pathname };
      throw new Error(`stopped at ${u} with ${res.status}: ${(await res.text()).slice(0, 500)}`);
    }
    if (u.host === appHost && !location.startsWith("http")) return { cookie: cookieFor(appHost), landedOn: location };
    url = new URL(location, u).toString();
    if (new URL(url).host === appHost && new URL(url).pathname === "/tasks")
      return { cookie: cookieFor(appHost), landedOn: "/tasks" };
  }
  throw new Error("too many redirects");
}

const status = async (cookie: string) => {
  const res = await rawRequest(app.port, {
    path: `/api/trpc/account.status?input=${encodeURIComponent(JSON.stringify({ json: null }))}`,
    headers: { cookie },
  });
  return JSON.parse(res.body).result.data.json as {
    user: { email: string; role: string } | null;
    oidc: { name: string } | null;
  };
};

describe("OpenID Connect sign-in against a local oidc-provider", () => {
  it("offers the provider on the sign-in page's status", async () => {
    expect((await status("")).oidc).toEqual({ name: "Lab SSO" });
  });

  it("signs in a new person with the default role and lands on the page asked for", async () => {
    nextLogin = "sub-ada";
    const { cookie, landedOn } = await signInWithSso();
    expect(landedOn).toBe("/tasks");
    expect((await status(cookie)).user).toMatchObject({ email: "ada@lab.example", role: "reviewer" });
    const ada = await db.prisma.user.findUniqueOrThrow({
      where: { email: "ada@lab.example" },
      select: { name: true, accounts: { select: { providerId: true, accountId: true } } },
    });
    expect(ada).toEqual({ name: "Ada Lovelace", accounts: [{ providerId: "oidc", accountId: "sub-ada" }] });
    expect((await rawRequest(app.port, { path: "/api/v1/tasks", headers: { cookie } })).status).toBe(200);
  });

  it("links to an account an administrator made for the same verified email, keeping its role", async () => {
    const bob = await createUser({ db, email: "bob@lab.example", role: "curator" });
    nextLogin = "sub-bob";
    const { cookie } = await signInWithSso();
    expect((await status(cookie)).user).toMatchObject({ email: "bob@lab.example", role: "curator" });
    expect(await db.prisma.user.count({ where: { email: "bob@lab.example" } })).toBe(1);
    expect(await db.prisma.authAccount.findMany({ where: { userId: bob.id }, select: { providerId: true } })).toEqual([
      { providerId: "oidc" },
    ]);
  });

  it("does not sign in a disabled account", async () => {
    await db.prisma.user.update({ where: { email: "ada@lab.example" }, data: { disabledAt: new Date() } });
    nextLogin = "sub-ada";
    const { cookie } = await signInWithSso().catch(() => ({ cookie: "" }));
    expect((await status(cookie)).user).toBeNull();
  });
});
