// Finds bubblewrap and the Python interpreter once per process and works out the smallest set of
// host paths the interpreter needs, so the sandbox can bind those and nothing else.
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Nothing of the server's environment is passed on to anything the sandbox starts. */
export const EMPTY_ENV = {} as NodeJS.ProcessEnv;

export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
}

export interface Runtime {
  bwrap: string;
  /** Real path of the interpreter binary, as seen inside the sandbox too. */
  python: string;
  /** bwrap arguments that make the interpreter runnable: read-only binds and symlinks. */
  systemArgs: string[];
  harness: string;
}

export interface RuntimeOptions {
  python?: string;
  bwrap?: string;
  harness?: string;
}

const HARNESS_IN_SANDBOX = "/sandbox/harness.py";
export const PACK_IN_SANDBOX = "/pack";

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
  // ldd prints one block per file; a file that is not dynamic only yields a harmless message.
  const { stdout } = await run("ldd", files, { env: EMPTY_ENV, maxBuffer: 16 << 20 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }),
  );
  for (const line of stdout.split("\n")) {
    const arrow = line.match(/=>\s+(\/\S+)\s+\(/);
    if (arrow) libs.add(arrow[1]!);
    const loader = line.match(/^\s+(\/\S+)\s+\(0x/);
    if (loader) libs.add(loader[1]!);
  }
  return [...libs];
}

let cached: Map<string, Promise<Runtime>> = new Map();

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
    ? readdirSync(dynload).filter((f) => f.endsWith(".so")).map((f) => path.join(dynload, f))
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

  const rt: Runtime = { bwrap, python, systemArgs, harness };
  await selfTest(rt);
  return rt;
}

/** bwrap arguments for one sandbox instance. */
export function sandboxArgs(rt: Runtime, packDir: string, mode: "zygote" | "inspect" | "selftest"): string[] {
  return [
    // new user, pid, net, ipc, uts, cgroup and mount namespaces: no network at all (not even the
    // host's loopback), no view of host processes, and a root filesystem that is an empty tmpfs
    "--unshare-all",
    "--unshare-user",
    "--uid", "65534",
    "--gid", "65534",
    "--disable-userns",
    "--cap-drop", "ALL",
    "--die-with-parent",
    // no controlling terminal to push keystrokes into (TIOCSTI)
    "--new-session",
    "--clearenv",
    "--hostname", "sandbox",
    ...rt.systemArgs,
    "--dev", "/dev",
    "--size", String(64 << 20),
    "--tmpfs", "/tmp",
    "--ro-bind", rt.harness, HARNESS_IN_SANDBOX,
    ...(mode === "selftest" ? [] : ["--ro-bind", packDir, PACK_IN_SANDBOX, "--chdir", PACK_IN_SANDBOX]),
    "--remount-ro", "/",
    rt.python,
    "-I", "-S", "-B", "-X", "utf8",
    ...(mode === "selftest" ? ["-c", "print('ok')"] : [HARNESS_IN_SANDBOX, mode]),
  ];
}

async function selfTest(rt: Runtime): Promise<void> {
  try {
    const { stdout } = await run(rt.bwrap, sandboxArgs(rt, "", "selftest"), { env: EMPTY_ENV, timeout: 20_000 });
    if (stdout.trim() !== "ok") throw new Error(`unexpected output ${JSON.stringify(stdout)}`);
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    throw new SandboxUnavailableError(
      `bubblewrap cannot start the interpreter: ${(err.stderr || err.message || String(e)).trim()}`,
    );
  }
}

/** For tests: forget discovered runtimes. */
export function resetRuntimeCache(): void {
  cached = new Map();
}
