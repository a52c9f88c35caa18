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
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
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
    allowedHosts: e.CAT_ALLOWED_HOSTS.split(",").map((h) => h.trim()).filter(Boolean),
    inProcessWorker: e.CAT_WORKER === "1",
    workerConcurrency: e.CAT_WORKER_CONCURRENCY,
    python: e.CAT_PYTHON,
    jobLeaseSeconds: e.CAT_JOB_LEASE_SECONDS,
    port: e.PORT,
  };
}

export type ServerEnv = ReturnType<typeof load>;
let cached: ServerEnv | undefined;
export function serverEnv(): ServerEnv {
  cached ??= load();
  return cached;
}
