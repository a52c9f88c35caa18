// A real PostgreSQL server from Debian's `postgresql` package, as the one shared component of a
// multi-machine installation (the scale-out test and `npm run bench:scale`). Started on a free
// 127.0.0.1 port in a temporary directory, as the `postgres` user when we are root, with password
// authentication like a server a team would run; stopped and deleted afterwards.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, withDatabase } from "../db/embedded";

export interface DebianPostgres {
  url: string;
  /** The server's process id (for CPU accounting). */
  postmasterPid(): number;
  stop(): Promise<void>;
}

/** /usr/lib/postgresql/<newest version>/bin, or null when the package is not installed. */
function debianPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter(
      (v) =>
        /^\d+$/.test(v) &&
        fs.existsSync(path.join(root, v, "bin", "initdb")) &&
        fs.existsSync(path.join(root, v, "bin", "pg_ctl")),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, "bin") : null;
}

export async function startDebianPostgres(opts: { settings?: Record<string, string> } = {}): Promise<DebianPostgres> {
  const bin = debianPostgresBin();
  if (!bin)
    throw new Error(
      "Debian's PostgreSQL server is not installed: apt-get install -y postgresql (.ci/run installs it when missing)",
    );
  const root = process.getuid?.() === 0;
  // Postgres refuses to run as root: as root, everything runs as the package's `postgres` user,
  // which must be able to reach the directory (mkdtemp makes it 0700).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-debian-pg-"));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, "data");
  fs.mkdirSync(data, { mode: 0o700 });
  const run = (cmd: string, args: string[]) => {
    const r = root
      ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" })
      : spawnSync(cmd, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r;
  };
  if (root) {
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (ids.status !== 0)
      throw new Error("running as root, and there is no `postgres` user (the postgresql package creates it)");
    fs.chownSync(data, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
    fs.chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
  }
  const password = randomBytes(12).toString("hex");
  const pwFile = path.join(dir, "pw");
  fs.writeFileSync(pwFile, password, { mode: 0o644 });
  try {
    run(path.join(bin, "initdb"), [
      `--pgdata=${data}`,
      "--username=cat",
      `--pwfile=${pwFile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--no-locale",
    ]);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
  const port = await freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: dir,
    max_connections: "200",
    ...opts.settings,
  };
  const flags = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(" ");
  run(path.join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    path.join(dir, "server.log"),
    "-o",
    flags,
    "-w",
    "-t",
    "60",
    "start",
  ]);
  const admin = `postgresql://cat:${password}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query("create database cat");
  await client.end();
  return {
    url: withDatabase(admin, "cat"),
    postmasterPid: () => Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]),
    stop: async () => {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
      } catch {
        /* already gone */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
