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
    port: e.PORT,
  };
}

export type ServerEnv = ReturnType<typeof load>;
let cached: ServerEnv | undefined;
export function serverEnv(): ServerEnv {
  cached ??= load();
  return cached;
}
