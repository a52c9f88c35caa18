// Accounts through better-auth: email + password (its scrypt hashing, its sessions), an optional
// OpenID Connect provider, our `users` table as its user table (numeric ids, role in our column).
// Public sign-up is off: the first administrator is created by setup (server/auth/users.ts), everyone
// else by an administrator, or by their first OpenID Connect sign-in when CAT_OIDC_DEFAULT_ROLE allows.
//
// Two instances per database, one per cookie kind: a request that reached us over https (by
// CAT_PUBLIC_URL, or X-Forwarded-Proto when CAT_TRUST_PROXY=1) gets a `__Secure-` cookie with the
// Secure attribute; plain http on a LAN address gets a cookie the browser will keep. better-auth
// decides Secure once per instance, so the choice is made per request by picking the instance.
import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError } from "better-auth/api";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import { API_LIMITS } from "../api/limits";
import type { Db } from "../db/client";
import { serverEnv, type ServerEnv } from "../env";
import { allowedHostsFrom } from "../security/request-guard";

const OIDC_PROVIDER_ID = "oidc";
/** Sessions last a week and are extended once a day while used. */
const SESSION_SECONDS = 7 * 24 * 3600;

function buildAuth(db: Db, secret: string, secure: boolean, env: ServerEnv) {
  const hosts = allowedHostsFrom(env).flatMap((h) => {
    if (h === "*") return ["*"];
    const name = h.includes(":") ? `[${h}]` : h;
    return [name, `${name}:*`, ...(h === "localhost" ? ["*.localhost", "*.localhost:*"] : [])];
  });
  return betterAuth({
    appName: "CaT Curator",
    secret,
    // A fixed public address when there is one (OpenID Connect needs it); otherwise each request's
    // own Host, which the request guard has already checked against the allowed hosts.
    baseURL: env.publicUrl ?? {
      allowedHosts: hosts,
      protocol: secure ? "https" : "http",
      fallback: `${secure ? "https" : "http"}://localhost:${env.port}`,
    },
    basePath: "/api/auth",
    database: prismaAdapter(db.prisma, { provider: "postgresql" }),
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: API_LIMITS.passwordMinChars,
      maxPasswordLength: API_LIMITS.passwordMaxChars,
      // Named, so the users service (which stores passwords without an auth instance) hashes the same way.
      password: { hash: hashPassword, verify: verifyPassword },
    },
    user: {
      modelName: "user",
      additionalFields: {
        // Set by our services only (input: false): a sign-in can never choose its own role.
        role: { type: "string", required: false, input: false },
      },
    },
    session: { modelName: "authSession", expiresIn: SESSION_SECONDS, updateAge: 24 * 3600 },
    // A first OpenID Connect sign-in joins the account an administrator made for that email when
    // the provider says the email is verified. Accounts here are never self-made (an administrator
    // vouches for the address), so the local address need not have been verified by mail.
    account: {
      modelName: "authAccount",
      accountLinking: { enabled: true, trustedProviders: [], requireLocalEmailVerified: false },
    },
    verification: { modelName: "authVerification" },
    // Login attempts are limited by server/auth/login-limit.ts (per account and per client), which
    // also works when no client address is known.
    rateLimit: { enabled: false },
    advanced: {
      database: { generateId: "serial" },
      useSecureCookies: secure,
      cookiePrefix: "cat",
      trustedProxyHeaders: env.trustProxy,
      ipAddress: env.trustProxy ? { ipAddressHeaders: ["x-forwarded-for"] } : { disableIpTracking: true },
    },
    logger: { level: "error", log: (level, message) => console.error(`[auth] ${level}: ${message}`) },
    databaseHooks: {
      user: {
        create: {
          // Users our services create carry their role; a first OpenID Connect sign-in gets the
          // configured default role, or is refused when there is none.
          before: async (user) => {
            const role = (user as { role?: string | null }).role ?? env.oidc?.defaultRole ?? null;
            if (!role)
              throw new APIError("FORBIDDEN", {
                message: "No account for this address here: ask an administrator to add you.",
              });
            return { data: { ...user, role } };
          },
        },
      },
      session: {
        create: {
          // The one gate every sign-in method passes: the local system user (no role) and disabled
          // users never get a session.
          before: async (session) => {
            const user = await db.prisma.user.findUnique({
              where: { id: Number(session.userId) },
              select: { role: true, disabledAt: true },
            });
            if (!user?.role || user.disabledAt)
              throw new APIError("FORBIDDEN", { message: "This account cannot sign in." });
            return { data: session };
          },
        },
      },
    },
    plugins: env.oidc
      ? [
          genericOAuth({
            config: [
              {
                providerId: OIDC_PROVIDER_ID,
                name: env.oidc.name,
                discoveryUrl: `${env.oidc.issuer}/.well-known/openid-configuration`,
                clientId: env.oidc.clientId,
                clientSecret: env.oidc.clientSecret,
                scopes: env.oidc.scopes,
                pkce: true,
                mapProfileToUser: (profile) => ({
                  name: String(profile.name ?? profile.preferred_username ?? profile.email ?? ""),
                }),
              },
            ],
          }),
        ]
      : [],
  });
}

export type Auth = ReturnType<typeof buildAuth>;

const g = globalThis as unknown as { catAuth?: WeakMap<Db, Map<boolean, Promise<Auth>>> };

/** The better-auth instance for this database and cookie kind (built once per process). */
export function authFor(db: Db, secure: boolean): Promise<Auth> {
  g.catAuth ??= new WeakMap();
  const bySecure = g.catAuth.get(db) ?? new Map<boolean, Promise<Auth>>();
  g.catAuth.set(db, bySecure);
  let auth = bySecure.get(secure);
  if (!auth) {
    auth = authSecret(db).then((secret) => buildAuth(db, secret, secure, serverEnv()));
    auth.catch(() => bySecure.delete(secure));
    bySecure.set(secure, auth);
  }
  return auth;
}

/**
 * The secret that signs session cookies: CAT_AUTH_SECRET, else one generated on first start and kept
 * in the database, so every web server sharing it agrees and nothing ships a default.
 */
async function authSecret(db: Db): Promise<string> {
  const configured = serverEnv().authSecret;
  if (configured) return configured;
  await db.prisma
    .$executeRaw`insert into app_settings (key, value) values ('auth_secret', ${randomBytes(48).toString("base64url")}) on conflict (key) do nothing`;
  return (await db.prisma.appSetting.findUniqueOrThrow({ where: { key: "auth_secret" }, select: { value: true } }))
    .value;
}

/**
 * Whether a request reached us over https: the public URL says so, or — only when a reverse proxy is
 * declared trusted — its X-Forwarded-Proto does. A client could send that header itself otherwise.
 */
export function isSecureRequest(headers: Headers, env: ServerEnv = serverEnv()): boolean {
  if (env.publicUrl) return env.publicUrl.startsWith("https://");
  if (env.trustProxy) return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
  return false;
}
