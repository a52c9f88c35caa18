// One database handle per process: a pg pool shared by Prisma (through the driver adapter) and by the
// migration runner. Cached on globalThis so Next's hot reload does not open a new pool per edit.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { serverEnv } from "../env";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { Prisma, PrismaClient } from "./generated/client";
import { applyMigrations } from "./migrate";

export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
  url: string;
  /** Id of the local default user every edit and review is attributed to until accounts exist. */
  defaultUserId: number;
  close(): Promise<void>;
}

const DEFAULT_USER = { name: "Local researcher", email: "local@cat-curator" };

/** How a process names its database sessions: in pg_stat_activity, workers on other machines share the server. */
export const sessionName = (pid: number) => `cat-curator pid ${pid}`;

/** Connects to `url`, applies pending migrations and makes sure the default user exists. */
export async function openDb(
  url: string,
  options: { embedded?: EmbeddedPostgres; maxConnections?: number } = {},
): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    application_name: sessionName(process.pid),
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error("[db] idle connection error:", err.message));
  await applyMigrations(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  // through pg (see queryRows): every process opens the database this way, the CLI's among them
  const {
    rows: [user],
  } = await pool.query<{ id: number }>(
    `with made as (insert into users (name, email) values ($1, $2) on conflict (email) do nothing returning id)
     select id from made union all select id from users where email = $2 limit 1`,
    [DEFAULT_USER.name, DEFAULT_USER.email],
  );
  if (!user) throw new Error("the default user could not be created");
  return {
    prisma,
    pool,
    url,
    defaultUserId: user.id,
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
      await options.embedded?.stop();
    },
  };
}

/**
 * Runs a `Prisma.sql` query through pg itself. Prisma compiles each query with a WebAssembly
 * compiler that takes ~0.2 s of CPU to start in every process, and a few milliseconds per new query
 * shape: the queue's hot path and what `filter --wait` does before its first verdict go around it.
 */
export async function queryRows<T extends object>(db: Db, query: Prisma.Sql): Promise<T[]> {
  return (await db.pool.query<T>(query.text, query.values)).rows;
}

/**
 * Runs several reads against one snapshot. A view that polls until something finishes must not see
 * a row written after another it read earlier: it would stop polling on a state that never existed.
 */
export function readSnapshot<T>(db: Db, read: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  // Prisma's defaults (2 s to get a connection, 5 s in all) are for writes; a busy worker in the same
  // process holds connections for longer, and a poll that waits is better than one that fails.
  return db.prisma.$transaction(read, {
    isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
    maxWait: 15_000,
    timeout: 30_000,
  });
}

const g = globalThis as unknown as { catDb?: Promise<Db> };

/** The process-wide database: DATABASE_URL when set, else the embedded server in CAT_DATA_DIR. */
export function getDb(): Promise<Db> {
  g.catDb ??= (async () => {
    const env = serverEnv();
    if (env.databaseUrl) return openDb(env.databaseUrl);
    const embedded = await startEmbeddedPostgres(env.dataDir);
    return openDb(embedded.url, { embedded });
  })();
  g.catDb.catch(() => {
    g.catDb = undefined; // let the next caller retry instead of caching a failure forever
  });
  return g.catDb;
}
