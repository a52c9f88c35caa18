// The one place that reads process.env: every setting is validated here, once, so a bad value fails
// at start-up with a message instead of deep inside a request.
import path from "node:path";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  CAT_DATA_DIR: z.string().min(1).default(".data"),
  CAT_SEED_DEMO: z.enum(["0", "1"]).default("1"),
  CAT_LOG_SQL: z.enum(["0", "1"]).default("0"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  // Host names the web app answers to besides localhost/127.0.0.1/::1 (comma-separated; "*" for any,
  // which gives up the DNS-rebinding protection).
  CAT_ALLOWED_HOSTS: z.string().default(""),
  // The web server runs a filter worker in-process unless this is 0 (then run `npm run worker`).
  CAT_WORKER: z.enum(["0", "1"]).default("1"),
  CAT_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  // The interpreter the sandbox runs (default /usr/bin/python3: the python3 on PATH may be a slow shim).
  CAT_PYTHON: z.string().min(1).optional(),
  // How long a worker holds a job before another may take it over (its process may have died).
  // A worker renews its lease every third of this while a job is alive; a dead worker's jobs are
  // taken over once it lapses.
  CAT_JOB_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  // Where a worker appends one JSON line per filter run saying where its time went (npm run bench:filter).
  CAT_FILTER_PROFILE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Accounts (server/auth). The address users open, e.g. https://curator.lab.example: OpenID
  // Connect redirects come back to it, and an https address makes session cookies Secure.
  CAT_PUBLIC_URL: z.string().url().optional(),
  // 1 when a reverse proxy sits in front: X-Forwarded-Proto (https → Secure cookies) and
  // X-Forwarded-For (the client address, for login rate limits) are trusted only then.
  CAT_TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  // Signs session cookies. Without it a random secret is generated once and kept in the database.
  CAT_AUTH_SECRET: z.string().min(32, "CAT_AUTH_SECRET must be at least 32 characters").optional(),
  // An optional OpenID Connect provider (Keycloak, Authentik, Google Workspace, …).
  CAT_OIDC_ISSUER: z.string().url().optional(),
  CAT_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CAT_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  CAT_OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  CAT_OIDC_SCOPES: z.string().default("openid email profile"),
  // The role of someone who signs in with OpenID Connect for the first time; "none": only people
  // an administrator added (by email) may sign in that way.
  CAT_OIDC_DEFAULT_ROLE: z.enum(["none", "viewer", "reviewer", "curator"]).default("viewer"),
});

function load() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.CAT_DATA_DIR),
    seedDemo: e.CAT_SEED_DEMO === "1",
    logSql: e.CAT_LOG_SQL === "1",
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    // The public URL's host is one of ours by definition.
    allowedHosts: [
      ...e.CAT_ALLOWED_HOSTS.split(",")
        .map((h) => h.trim())
        .filter(Boolean),
      ...(e.CAT_PUBLIC_URL ? [new URL(e.CAT_PUBLIC_URL).hostname.replace(/^\[|\]$/g, "")] : []),
    ],
    inProcessWorker: e.CAT_WORKER === "1",
    workerConcurrency: e.CAT_WORKER_CONCURRENCY,
    python: e.CAT_PYTHON,
    jobLeaseSeconds: e.CAT_JOB_LEASE_SECONDS,
    filterProfile: e.CAT_FILTER_PROFILE,
    port: e.PORT,
    publicUrl: e.CAT_PUBLIC_URL?.replace(/\/+$/, ""),
    trustProxy: e.CAT_TRUST_PROXY === "1",
    authSecret: e.CAT_AUTH_SECRET,
    oidc: oidcSettings(e),
  };
}

function oidcSettings(e: z.infer<typeof schema>) {
  const given = [e.CAT_OIDC_ISSUER, e.CAT_OIDC_CLIENT_ID, e.CAT_OIDC_CLIENT_SECRET];
  if (given.every((v) => v === undefined)) return null;
  if (given.some((v) => v === undefined))
    throw new Error(
      "Invalid environment: OpenID Connect needs all of CAT_OIDC_ISSUER, CAT_OIDC_CLIENT_ID and CAT_OIDC_CLIENT_SECRET.",
    );
  if (!e.CAT_PUBLIC_URL)
    throw new Error(
      "Invalid environment: OpenID Connect needs CAT_PUBLIC_URL (the provider redirects back to CAT_PUBLIC_URL/api/auth/callback/oidc).",
    );
  return {
    issuer: e.CAT_OIDC_ISSUER!.replace(/\/+$/, ""),
    clientId: e.CAT_OIDC_CLIENT_ID!,
    clientSecret: e.CAT_OIDC_CLIENT_SECRET!,
    name: e.CAT_OIDC_NAME,
    scopes: e.CAT_OIDC_SCOPES.split(/[\s,]+/).filter(Boolean),
    defaultRole: e.CAT_OIDC_DEFAULT_ROLE === "none" ? null : e.CAT_OIDC_DEFAULT_ROLE,
  };
}

export type ServerEnv = ReturnType<typeof load>;
let cached: ServerEnv | undefined;
export function serverEnv(): ServerEnv {
  cached ??= load();
  return cached;
}
