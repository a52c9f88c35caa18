// Finds bubblewrap and the Python interpreter once per process and works out the smallest set of
// host paths the interpreter needs, so the sandbox can bind those and nothing else.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  type Stats,
} from "node:fs";
import { cp, chmod, lstat, readdir, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Nothing of the server's environment is passed on to anything the sandbox starts. */
const EMPTY_ENV = {} as NodeJS.ProcessEnv;

export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
}

/** A host uid/gid to start bubblewrap as. */
interface SandboxUser {
  uid: number;
  gid: number;
}

export interface Runtime {
  bwrap: string;
  /** Real path of the interpreter binary, as seen inside the sandbox too. */
  python: string;
  /** bwrap arguments that make the interpreter runnable: read-only binds and symlinks. */
  systemArgs: string[];
  harness: string;
  /** Host uid/gid bubblewrap runs as; null: the server's own. */
  user: SandboxUser | null;
  /**
   * Whether RLIMIT_NPROC bounds the processes and threads of a sandbox (measured by the self-test).
   * The kernel ignores it for tasks whose real uid is host root, so a server running as root starts
   * bubblewrap as an unprivileged uid; only if that cannot work is this false.
   */
  taskCap: boolean;
}

export interface RuntimeOptions {
  python?: string;
  bwrap?: string;
  harness?: string;
  /** Host uid/gid to start bubblewrap as (default: 65534 when the server runs as root, else the server's own); null: the server's own. */
  user?: SandboxUser | null;
}

/** nobody/nogroup: what a server running as root hands the sandbox unless told otherwise. */
const DEFAULT_SANDBOX_USER: SandboxUser = { uid: 65534, gid: 65534 };

function defaultUser(): SandboxUser | null {
  return process.getuid?.() === 0 ? DEFAULT_SANDBOX_USER : null;
}

const HARNESS_IN_SANDBOX = "/sandbox/harness.py";
const PACK_IN_SANDBOX = "/pack";

function findExecutable(candidates: string[]): string | undefined {
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function defaultHarness(): string {
  return fileURLToPath(new URL("./harness.py", import.meta.url));
}

/**
 * Host paths that are symlinks on the way to `p` (e.g. /lib -> usr/lib on merged-/usr systems)
 * must exist as the same symlinks inside the sandbox, or the dynamic loader cannot follow the
 * names it was built with.
 */
function symlinkAncestors(p: string, links: Map<string, string>): void {
  const parts = p.split("/").filter(Boolean);
  let cur = "";
  for (const part of parts.slice(0, -1)) {
    cur += "/" + part;
    try {
      if (lstatSync(cur).isSymbolicLink()) {
        links.set(cur, readlinkSync(cur));
        return;
      }
    } catch {
      return;
    }
  }
}

/** Bind `ref` at the real location of its directory, keeping its own name (libz.so.1, not libz.so.1.2.13). */
function bindDest(ref: string): string {
  return path.join(realpathSync(path.dirname(ref)), path.basename(ref));
}

async function probeInterpreter(python: string): Promise<{ stdlib: string; dynload: string; machine: string }> {
  const code =
    "import json, os, sys, sysconfig\n" +
    "p = sysconfig.get_paths()\n" +
    "print(json.dumps({'stdlib': p['stdlib'], 'dynload': sysconfig.get_config_var('DESTSHARED') or p['platstdlib'], 'machine': os.uname().machine}))";
  const { stdout } = await run(python, ["-I", "-S", "-c", code], { env: EMPTY_ENV });
  return JSON.parse(stdout) as { stdlib: string; dynload: string; machine: string };
}

async function sharedLibraries(files: string[]): Promise<string[]> {
  const libs = new Set<string>();
  // ldd prints one block per file; a file that is not dynamic only yields a harmless message. It
  // runs the loader once per file, one after the other: split over the cores, since every worker
  // and CLI process waits for this before it takes its first filter run.
  const groups = Math.max(1, Math.min(os.availableParallelism(), 4));
  const outputs = await Promise.all(
    Array.from({ length: groups }, (_, g) => files.filter((_, i) => i % groups === g))
      .filter((part) => part.length)
      .map((part) =>
        run("ldd", part, { env: EMPTY_ENV, maxBuffer: 16 << 20 }).then(
          (r) => r.stdout,
          (e: { stdout?: string }) => e.stdout ?? "",
        ),
      ),
  );
  const stdout = outputs.join("\n");
  for (const line of stdout.split("\n")) {
    const arrow = line.match(/=>\s+(\/\S+)\s+\(/);
    if (arrow) libs.add(arrow[1]!);
    const loader = line.match(/^\s+(\/\S+)\s+\(0x/);
    if (loader) libs.add(loader[1]!);
  }
  return [...libs];
}

const cached: Map<string, Promise<Runtime>> = new Map();

export function resolveRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const key = JSON.stringify(opts);
  let p = cached.get(key);
  if (!p) {
    p = buildRuntime(opts);
    p.catch(() => cached.delete(key));
    cached.set(key, p);
  }
  return p;
}

async function buildRuntime(opts: RuntimeOptions): Promise<Runtime> {
  if (process.platform !== "linux") throw new SandboxUnavailableError("the sandbox needs Linux (bubblewrap)");
  const bwrap = opts.bwrap ?? findExecutable(["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"]);
  if (!bwrap) {
    throw new SandboxUnavailableError("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap");
  }
  const pythonLink = opts.python ?? findExecutable(["/usr/bin/python3", "/usr/local/bin/python3"]);
  if (!pythonLink) throw new SandboxUnavailableError("no python3 interpreter found at /usr/bin/python3");
  const python = realpathSync(pythonLink);
  const harness = realpathSync(opts.harness ?? defaultHarness());
  const { stdlib, dynload } = await probeInterpreter(python);

  const extensions = existsSync(dynload)
    ? readdirSync(dynload)
        .filter((f) => f.endsWith(".so"))
        .map((f) => path.join(dynload, f))
    : [];
  const libs = await sharedLibraries([python, ...extensions]);

  const links = new Map<string, string>();
  const binds = new Map<string, string>(); // dest -> src
  const stdlibReal = realpathSync(stdlib);
  binds.set(python, python);
  binds.set(stdlibReal, stdlibReal);
  for (const lib of libs) {
    if (lib.startsWith(stdlibReal + "/")) continue;
    symlinkAncestors(lib, links);
    binds.set(bindDest(lib), lib);
  }
  symlinkAncestors(pythonLink, links);
  // ld.so's cache only maps library names to paths; it holds no secrets and saves a directory scan.
  if (existsSync("/etc/ld.so.cache")) binds.set("/etc/ld.so.cache", "/etc/ld.so.cache");
  // tz data is public and lets `zoneinfo`/`time` behave as on the host.
  if (existsSync("/usr/share/zoneinfo")) binds.set("/usr/share/zoneinfo", realpathSync("/usr/share/zoneinfo"));

  const systemArgs: string[] = [];
  for (const [dest, src] of [...binds].sort(([a], [b]) => a.localeCompare(b))) {
    systemArgs.push("--ro-bind", src, dest);
  }
  for (const [dest, target] of links) systemArgs.push("--symlink", target, dest);

  const user = opts.user === undefined ? defaultUser() : opts.user;
  const rt: Runtime = { bwrap, python, systemArgs, harness, user, taskCap: false };
  if (user && !readableBy(user, harness)) rt.harness = stageFile(user, harness);
  try {
    rt.taskCap = await selfTest(rt);
  } catch (e) {
    // e.g. unprivileged user namespaces are disabled, or the interpreter lives where that uid
    // cannot read it: run as the server's own user rather than not at all, and say what is lost
    if (!user || opts.user) throw e;
    rt.user = null;
    rt.harness = harness;
    rt.taskCap = await selfTest(rt);
    console.warn(
      `[sandbox] bubblewrap cannot run as uid ${user.uid} (${(e as Error).message.split("\n")[0]}); ` +
        "running it as root instead, without a cap on processes and threads per sandbox",
    );
  }
  if (!rt.taskCap)
    console.warn("[sandbox] RLIMIT_NPROC does not bind in the sandbox: processes and threads are not capped");
  return rt;
}

/** bwrap arguments for one sandbox instance. */
export function sandboxArgs(
  rt: Runtime,
  packDir: string,
  mode: "zygote" | "inspect" | "selftest",
  selftest = "",
): string[] {
  return [
    // new user, pid, net, ipc, uts, cgroup and mount namespaces: no network at all (not even the
    // host's loopback), no view of host processes, and a root filesystem that is an empty tmpfs
    "--unshare-all",
    "--unshare-user",
    "--uid",
    "65534",
    "--gid",
    "65534",
    "--disable-userns",
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    // no controlling terminal to push keystrokes into (TIOCSTI)
    "--new-session",
    "--clearenv",
    "--hostname",
    "sandbox",
    ...rt.systemArgs,
    "--dev",
    "/dev",
    // --dev makes /dev a writable tmpfs as large as half the host's RAM, /dev/shm a directory on it:
    // all of it read-only but a 1 MiB /dev/shm (enough for multiprocessing's semaphores)
    "--size",
    String(SHM_BYTES),
    "--tmpfs",
    "/dev/shm",
    "--remount-ro",
    "/dev",
    "--size",
    String(TMP_BYTES),
    "--tmpfs",
    "/tmp",
    "--ro-bind",
    rt.harness,
    HARNESS_IN_SANDBOX,
    ...(mode === "selftest" ? [] : ["--ro-bind", packDir, PACK_IN_SANDBOX, "--chdir", PACK_IN_SANDBOX]),
    "--remount-ro",
    "/",
    rt.python,
    "-I",
    "-S",
    "-B",
    "-X",
    "utf8",
    ...(mode === "selftest" ? ["-c", selftest] : [HARNESS_IN_SANDBOX, mode]),
  ];
}

/** Writable space in a sandbox: a private /tmp, and /dev/shm. */
const TMP_BYTES = 64 << 20;
const SHM_BYTES = 1 << 20;

/** Options for spawning bubblewrap: no environment, the sandbox's host user, a cwd it can enter. */
export function spawnOptions(rt: Runtime): { env: NodeJS.ProcessEnv; cwd: string; uid?: number; gid?: number } {
  return { env: EMPTY_ENV, cwd: "/", ...(rt.user ? { uid: rt.user.uid, gid: rt.user.gid } : {}) };
}

// Starts the interpreter and tells whether RLIMIT_NPROC stops a fifth thread. (It leaves with
// os._exit: daemon threads woken at exit would call pthread_exit, which wants libgcc_s.)
const SELFTEST = [
  "import os, resource, sys, threading",
  "resource.setrlimit(resource.RLIMIT_NPROC, (4, 4))",
  "ev, n = threading.Event(), 0",
  "try:",
  "    for _ in range(8):",
  "        threading.Thread(target=ev.wait, daemon=True).start()",
  "        n += 1",
  "except RuntimeError:",
  "    pass",
  "print('ok', 'capped' if n < 8 else 'uncapped')",
  "sys.stdout.flush()",
  "os._exit(0)",
].join("\n");

async function selfTest(rt: Runtime): Promise<boolean> {
  try {
    const { stdout } = await run(rt.bwrap, sandboxArgs(rt, "", "selftest", SELFTEST), {
      ...spawnOptions(rt),
      timeout: 20_000,
    });
    const out = stdout.trim();
    if (out !== "ok capped" && out !== "ok uncapped") throw new Error(`unexpected output ${JSON.stringify(stdout)}`);
    return out === "ok capped";
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    throw new SandboxUnavailableError(
      `bubblewrap cannot start the interpreter: ${(err.stderr || err.message || String(e)).trim()}`,
    );
  }
}

// --- packs the sandbox user cannot read -----------------------------------------------------------
//
// When bubblewrap runs as another uid than the server, that uid must be able to reach and read the
// pack (and the harness). Packs materialised by the app are world-readable; a pack in a private
// directory (an upload being registered under a mkdtemp directory, a pack under /root) is copied once
// into a staging directory the sandbox user can read, and the copy is used instead.

function permits(user: SandboxUser, st: Stats, bits: number): boolean {
  const mode = st.uid === user.uid ? st.mode >> 6 : st.gid === user.gid ? st.mode >> 3 : st.mode;
  return (mode & bits) === bits;
}

/** Whether `user` (no supplementary groups) can reach `p` and read it, or all of it when a directory. */
function readableBy(user: SandboxUser, p: string): boolean {
  try {
    const real = realpathSync(p);
    for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
      if (!permits(user, statSync(dir), 1)) return false;
      if (dir === "/") break;
    }
    const walk = (q: string): boolean => {
      const st = lstatSync(q);
      if (st.isSymbolicLink()) return true; // resolved inside the sandbox, where only the pack exists
      if (st.isDirectory()) return permits(user, st, 5) && readdirSync(q).every((n) => walk(path.join(q, n)));
      return permits(user, st, 4);
    };
    return walk(real);
  } catch {
    return false;
  }
}

/** Whether `user` can enter `dir` and every directory above it. */
function reachableBy(user: SandboxUser, dir: string): boolean {
  try {
    for (let d = realpathSync(dir); ; d = path.dirname(d)) {
      if (!permits(user, statSync(d), 1)) return false;
      if (d === "/") return true;
    }
  } catch {
    return false;
  }
}

let stagingRoot: string | null = null;

function staging(user: SandboxUser): string {
  if (!stagingRoot) {
    // TMPDIR may be private to the server's user: the copy must be somewhere the sandbox can enter
    const parent = [os.tmpdir(), "/tmp", "/var/tmp"].find((d) => reachableBy(user, d)) ?? os.tmpdir();
    removeStaleStaging(parent);
    const root = mkdtempSync(path.join(parent, `cat-sandbox-stage-${process.pid}-`));
    chmodSync(root, 0o711); // others may enter, not list
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
    stagingRoot = root;
  }
  return stagingRoot;
}

/** Staging directories of processes that are gone (killed before their exit handler ran). */
function removeStaleStaging(parent: string): void {
  const uid = process.getuid?.();
  for (const name of readdirSync(parent)) {
    const m = /^cat-sandbox-stage-(\d+)-/.exec(name);
    if (!m) continue;
    const p = path.join(parent, name);
    try {
      if (lstatSync(p).uid !== uid || !lstatSync(p).isDirectory()) continue;
      try {
        process.kill(Number(m[1]), 0);
        continue; // still running
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ESRCH") continue;
      }
      rmSync(p, { recursive: true, force: true });
    } catch {
      /* another process is at it */
    }
  }
}

function stageFile(user: SandboxUser, file: string): string {
  const dest = path.join(
    staging(user),
    `${createHash("sha256").update(file).digest("hex").slice(0, 16)}-${path.basename(file)}`,
  );
  copyFileSync(file, dest);
  chmodSync(dest, 0o644);
  return dest;
}

/** Copies a pack into the staging area, readable by anyone and writable only by the server. */
async function stagePack(user: SandboxUser, dir: string, name: string): Promise<string> {
  const dest = path.join(staging(user), name);
  if (existsSync(dest)) return dest;
  const tmp = `${dest}.tmp-${Math.random().toString(36).slice(2)}`;
  try {
    await cp(dir, tmp, {
      recursive: true,
      verbatimSymlinks: true,
      // plain files, directories and symlinks: a FIFO or socket in a pack has no business there
      filter: async (src) => {
        const st = await lstat(src);
        return st.isFile() || st.isDirectory() || st.isSymbolicLink();
      },
    });
    const fix = async (p: string): Promise<void> => {
      const st = await lstat(p);
      if (st.isSymbolicLink()) return;
      if (st.isDirectory()) {
        await chmod(p, 0o755);
        for (const n of await readdir(p)) await fix(path.join(p, n));
      } else {
        await chmod(p, st.mode & 0o111 ? 0o755 : 0o644);
      }
    };
    await fix(tmp);
    await rename(tmp, dest).catch(async (e: NodeJS.ErrnoException) => {
      if (!existsSync(dest)) throw e; // a concurrent copy of the same pack won: use it
      await rm(tmp, { recursive: true, force: true });
    });
    return dest;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Removes a staged copy (inspectPack's, which nothing else uses). */
export async function unstage(dir: string): Promise<void> {
  if (stagingRoot && dir.startsWith(stagingRoot + path.sep)) await rm(dir, { recursive: true, force: true });
}

/**
 * The directory to bind at /pack for the sandbox user: the pack itself when that user can read it,
 * else a staged copy. `name` identifies the copy (a digest of the pack's key).
 */
export async function packDirFor(rt: Runtime, dir: string, key: string): Promise<{ dir: string; staged: boolean }> {
  if (!rt.user || readableBy(rt.user, dir)) return { dir, staged: false };
  const name = createHash("sha256").update(key).digest("hex").slice(0, 24);
  return { dir: await stagePack(rt.user, dir, name), staged: true };
}
