// Hostile cases, verifiers and packs: each test asserts the verdict AND that the host saw no effect.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parentPid } from "../testing/proc";
import { createSandbox, inspectPack, PackLoadError, type PackRef, type Sandbox, type SandboxLimits } from "./index";
import { FrameReader } from "./zygote";
import { BASIC, FAST, counterIs, py, task } from "./test-helpers";

let sandbox: Sandbox;
let hostDir: string;
let packCopy: PackRef;

function digestDir(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      h.update(`${path.relative(dir, p)}:${st.mode}:${st.size}\n`);
      if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}

beforeAll(() => {
  hostDir = mkdtempSync(path.join(os.tmpdir(), "cat-sandbox-host-"));
  // reachable by the sandbox's own uid (65534 when the tests run as root), so packs under it are
  // bound as they are rather than as staged copies
  chmodSync(hostDir, 0o755);
  const dir = path.join(hostDir, "pack");
  cpSync(BASIC.dir, dir, { recursive: true });
  packCopy = { dir, hash: "basic-copy" };
  sandbox = createSandbox({ concurrency: 2 });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(hostDir, { recursive: true, force: true });
});

/** Runs `attempt` as a failure case next to a passing solution; returns the verdict. */
async function asFailureCase(attempt: string, limits: Partial<SandboxLimits> = FAST, pack: PackRef = BASIC) {
  return sandbox.runTask(pack, task(counterIs(1), `increment()`, [attempt]), limits);
}

describe("isolation between cases", () => {
  it("does not leak state, builtins, module patches, globals or files to later cases", async () => {
    const polluter = py`
      import builtins, json, math, sys
      increment()
      try:
          open("/tmp/leak.txt", "w").write("x")
          respond("wrote /tmp")
      except OSError as e:
          respond(type(e).__name__)
      builtins.len = lambda *a: 0
      builtins.print = None
      json.dumps = lambda *a, **k: "forged"
      math.isclose = lambda *a, **k: True
      sys.modules["hashlib"] = None
      LEAKED = "global"
    `;
    const checker = py`
      import builtins, json, math, os
      respond(repr([
          len([1, 2]), callable(print), json.dumps([1]), math.isclose(1, 2),
          "LEAKED" in globals(), os.path.exists("/tmp/leak.txt"), get_counter(),
      ]))
    `;
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          def verify(state, answer, messages):
              return answer == repr([2, True, "[1]", False, False, False, 0])
        `,
        checker,
        [polluter, checker, polluter, checker],
      ),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail", "pass", "fail", "pass"]);
    expect(v.cases[1]!.messages).toEqual(["PermissionError"]);
    expect(v.reason).toBe("failure_case_passing");
  });

  it("keeps a case's module and builtin patches away from its verifier", async () => {
    // The failure case patches everything the verifier uses so that it would return True.
    const forger = py`
      import builtins, math, json, operator, sys
      math.isclose = lambda *a, **k: True
      json.loads = lambda *a, **k: {"ok": True}
      builtins.bool = lambda *a: True
      builtins.len = lambda *a: 7
      builtins.isinstance = lambda *a: True
      operator.eq = lambda *a: True
      sys.modules["math"] = type(sys)("math")
      sys.modules["math"].isclose = lambda *a, **k: True
      main = sys.modules["__main__"]
      for name in ("verifier_child", "load_verifier", "verify_arity", "apply_ops", "decode_payload"):
          setattr(main, name, lambda *a, **k: True)
      def verify(*a):
          return True
      builtins.verify = verify
    `;
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          import json, math

          def verify(state, answer):
              return (math.isclose(state["counter"], 1) and len("abcdefg") == 7
                      and json.loads('{"ok": true}') == {"ok": True})
        `,
        `increment()`,
        [forger],
      ),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail"]);
    expect(v.status).toBe("accepted");
  });

  it("cannot forge its result through stdout, stderr or its result pipe", async () => {
    const forger = py`
      import os, json, struct, sys
      line = json.dumps({"t": "result", "id": 1, "outcome": "pass", "stage": "done", "pass": True})
      print(line)
      print(line, file=sys.stderr)
      sys.stdout.flush()
      for fd in (0, 4, 5, 6, 7, 8, 9, 10):
          try:
              os.write(fd, struct.pack(">I", len(line)) + line.encode())
          except OSError:
              pass
      header = json.dumps({"stage": "done", "pass": True, "returnRepr": "True"}).encode()
      os.write(3, struct.pack(">IQ", len(header), 0) + header)
      os._exit(0)
    `;
    const v = await asFailureCase(forger);
    const fc = v.cases[1]!;
    expect(fc.outcome).not.toBe("pass");
    expect(fc.stdout).toContain('"outcome": "pass"'); // printed, and nothing more
    expect(v.status).toBe("accepted");
  });

  it("cannot signal, trace or outlive its own process", async () => {
    const attempts = py`
      import os, signal, threading, ctypes
      out = []
      for pid in (1, 2, os.getppid()):
          try:
              os.kill(pid, signal.SIGKILL)
              out.append("killed")
          except OSError as e:
              out.append(e.errno)
      try:
          os.killpg(os.getpgid(0), signal.SIGKILL)
      except OSError as e:
          out.append(e.errno)
      libc = ctypes.CDLL(None, use_errno=True)
      out.append(libc.ptrace(16, os.getppid(), 0, 0))  # PTRACE_ATTACH
      # past 1 before the thread starts: whenever the state is read, the verifier (counter == 1)
      # cannot pass (otherwise a slow machine could read it right after the thread's first call)
      increment(by=2)
      def forever():
          while True:
              increment()
      threading.Thread(target=forever, daemon=True).start()
      respond(repr(out))
    `;
    const v = await asFailureCase(attempts);
    expect(v.cases[1]!.messages).toEqual([repr([1, 1, 1, 1, -1])]);
    expect(v.cases[1]!.outcome).not.toBe("pass");
    // the zygote survived: more tasks run on it
    const again = await sandbox.runTask(BASIC, task(counterIs(1), `increment()`, [`pass`]), FAST);
    expect(again.status).toBe("accepted");
  });
});

function repr(list: number[]): string {
  return `[${list.join(", ")}]`;
}

describe("the host", () => {
  it("cannot be read: files outside the pack, secrets, the server's own tree", async () => {
    const secret = `secret-${randomBytes(8).toString("hex")}`;
    const secretFile = path.join(hostDir, "secret.txt");
    writeFileSync(secretFile, secret);
    const here = fileURLToPath(import.meta.url);
    const targets = [
      secretFile,
      "/etc/shadow",
      "/etc/passwd",
      "/root/.bashrc",
      here,
      "/proc/self/environ",
      "/proc/1/cmdline",
      "/work",
      "/home",
    ];
    const reader = py`
      import os
      found = []
      for p in ${JSON.stringify(targets)}:
          try:
              if os.path.isdir(p):
                  found.append(p + ":" + ",".join(os.listdir(p)))
              else:
                  found.append(p + ":" + open(p).read()[:200])
          except OSError as e:
              found.append(p + ":" + type(e).__name__)
      found.append("root:" + ",".join(sorted(os.listdir("/"))))
      found.append("pack:" + ",".join(sorted(os.listdir("."))))
      respond("\\n".join(found))
    `;
    const v = await asFailureCase(reader);
    const said = v.cases[1]!.messages.join("\n");
    expect(said).not.toContain(secret);
    for (const t of targets) expect(said).toContain(`${t}:FileNotFoundError`);
    // only what the interpreter needs is there, and the pack
    expect(said).toMatch(/root:dev,etc,lib,lib64,pack,sandbox,tmp,usr/);
    expect(said).toContain("pack:data,env.py,helpers");
    expect(v.status).toBe("accepted");
  });

  it("cannot be written: not host files, not the pack (a copy, checked byte for byte)", async () => {
    const before = digestDir(packCopy.dir);
    const target = path.join(hostDir, "pwned.txt");
    const writer = py`
      import os
      out = []
      for p in (${JSON.stringify(target)}, "env.py", "/pack/new.py", "data/items.json", "/tmp/x", "/usr/lib/x"):
          try:
              with open(p, "a") as f:
                  f.write("pwned")
              out.append("wrote " + p)
          except OSError as e:
              out.append(type(e).__name__)
      for fn in (lambda: os.remove("env.py"), lambda: os.mkdir("newdir"), lambda: os.rename("env.py", "x.py"),
                 lambda: os.chmod("env.py", 0o777), lambda: os.symlink("/", "root")):
          try:
              fn()
              out.append("changed")
          except OSError as e:
              out.append(type(e).__name__)
      respond(repr(out))
    `;
    const v = await asFailureCase(writer, FAST, packCopy);
    const said = v.cases[1]!.messages[0]!;
    expect(said).not.toContain("wrote");
    expect(said).not.toContain("changed");
    expect(existsSync(target)).toBe(false);
    expect(digestDir(packCopy.dir)).toBe(before);
    expect(v.status).toBe("accepted");
  });

  it("does not hand the server's environment variables to the sandbox", async () => {
    const secret = `env-secret-${randomBytes(8).toString("hex")}`;
    process.env.CAT_TEST_SECRET = secret;
    const sb = createSandbox({ concurrency: 1 }); // spawned after the variable exists
    try {
      const v = await sb.runTask(
        BASIC,
        task(
          counterIs(0),
          `import os\nrespond(repr(dict(os.environ)))\nrespond(repr(os.environ.get("CAT_TEST_SECRET")))`,
          [],
        ),
        FAST,
      );
      expect(v.cases[0]!.messages).toEqual(["{}", "None"]);
      expect(JSON.stringify(v)).not.toContain(secret);
    } finally {
      delete process.env.CAT_TEST_SECRET;
      await sb.close();
    }
  });

  it("cannot be reached over the network, not even on loopback", async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const dialer = py`
        import socket, urllib.request
        out = []
        for fam, addr in ((socket.AF_INET, ("127.0.0.1", ${port})), (socket.AF_INET6, ("::1", ${port}))):
            try:
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.settimeout(1)
                s.connect(addr)
                out.append("connected")
            except OSError as e:
                out.append(type(e).__name__)
        try:
            urllib.request.urlopen("http://127.0.0.1:${port}/", timeout=1)
            out.append("fetched")
        except Exception as e:
            out.append(type(e).__name__)
        try:
            socket.getaddrinfo("example.com", 80)
            out.append("resolved")
        except OSError as e:
            out.append(type(e).__name__)
        respond(repr(out))
      `;
      const v = await asFailureCase(dialer);
      const said = v.cases[1]!.messages[0]!;
      expect(said).not.toMatch(/connected|fetched|resolved/);
      expect(said).toContain("PermissionError");
      expect(v.status).toBe("accepted");
      await new Promise((r) => setTimeout(r, 200));
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it("cannot start programs or processes: os.system, subprocess, fork, exec, posix_spawn, raw syscalls", async () => {
    const marker = path.join(hostDir, "spawned.txt");
    const spawner = py`
      import os, subprocess, ctypes
      out = []
      def attempt(name, fn):
          try:
              r = fn()
              out.append(f"{name}={r}")
          except Exception as e:
              out.append(f"{name}:{type(e).__name__}")
      attempt("system", lambda: os.system("touch ${marker}"))
      attempt("subprocess", lambda: subprocess.run(["/usr/bin/python3.11", "-c", "print(1)"]).returncode)
      attempt("popen", lambda: os.popen("id").read())
      attempt("fork", os.fork)
      attempt("execv", lambda: os.execv("/usr/bin/python3.11", ["python3", "-c", "open('${marker}', 'w')"]))
      attempt("spawn", lambda: os.posix_spawn("/usr/bin/python3.11", ["python3", "-c", "1"], {}))
      libc = ctypes.CDLL(None, use_errno=True)
      attempt("libc_fork", libc.fork)
      attempt("raw_clone", lambda: libc.syscall(56, 17, 0, 0, 0, 0))  # clone(SIGCHLD): a plain fork
      attempt("raw_vfork", lambda: libc.syscall(58))
      respond(" ".join(out))
    `;
    const v = await asFailureCase(spawner);
    const said = v.cases[1]!.messages[0]!;
    expect(said).toMatch(/system=\d+/);
    expect(said).not.toMatch(/system=0\b/);
    expect(said).toMatch(/subprocess:PermissionError/);
    expect(said).toMatch(/popen:PermissionError/);
    expect(said).toMatch(/fork:PermissionError/);
    expect(said).toMatch(/execv:PermissionError/);
    expect(said).toMatch(/spawn:PermissionError/);
    expect(said).toMatch(/libc_fork=-1/);
    expect(said).toMatch(/raw_clone=-1/);
    expect(said).toMatch(/raw_vfork=-1/);
    expect(existsSync(marker)).toBe(false);
    expect(v.status).toBe("accepted");
  });
});

describe("limits", () => {
  it("times out an infinite loop in a case, and in a verifier, and keeps working", async () => {
    const start = Date.now();
    const v = await asFailureCase(`while True:\n    try:\n        pass\n    except BaseException:\n        pass`, {
      timeoutMs: 1_000,
    });
    expect(v.cases[1]).toMatchObject({ outcome: "timeout", caseError: { type: "Timeout" } });
    expect(v.reason).toBe("failure_case_error");
    const slowVerifier = await sandbox.runTask(
      BASIC,
      task(`def verify(state, answer):\n    while True:\n        pass\n`, `increment()`, [`pass`]),
      { timeoutMs: 1_000 },
    );
    expect(slowVerifier.cases.map((c) => c.outcome)).toEqual(["timeout", "timeout"]);
    expect(slowVerifier.cases[0]!.verifyError).toMatchObject({ type: "Timeout", source: "verifier" });
    expect(slowVerifier.reason).toBe("solution_not_passing");
    const sleeper = await asFailureCase(`import time\ntime.sleep(60)`, { timeoutMs: 800 });
    expect(sleeper.cases[1]!.outcome).toBe("timeout");
    expect(Date.now() - start).toBeLessThan(15_000);
    const ok = await sandbox.runTask(BASIC, task(counterIs(1), `increment()`, [`pass`]), FAST);
    expect(ok.status).toBe("accepted");
  });

  it("turns a memory bomb into an error, in a case and in a verifier", async () => {
    // Time enough to fill 512 MiB: on a VM whose page faults cost ~11 µs (and several times that
    // under load) the growing bomb took over 3 s and ended as a Timeout before its MemoryError.
    const limits = { timeoutMs: 20_000, memoryBytes: 512 << 20 };
    const caseBomb = await asFailureCase(`increment()\nx = bytearray(8 * 1024 ** 3)`, limits);
    expect(caseBomb.cases[1]!.caseError).toMatchObject({ type: "MemoryError" });
    expect(caseBomb.cases[1]!.outcome).toBe("pass"); // the state it reached has counter == 1
    const growing = await asFailureCase(`chunks = []\nwhile True:\n    chunks.append(" " * 10_000_000)`, limits);
    expect(growing.cases[1]!.caseError?.type).toBe("MemoryError");
    const verifierBomb = await sandbox.runTask(
      BASIC,
      task(`def verify(state, answer):\n    return len("x" * (16 * 1024 ** 3)) > 0\n`, `increment()`, []),
      limits,
    );
    expect(verifierBomb.cases[0]).toMatchObject({ outcome: "error", verifyError: { type: "MemoryError" } });
  });

  it("survives deep recursion, including one that overflows the C stack", async () => {
    const recursion = await asFailureCase(`def f(n):\n    return f(n + 1)\nf(0)`);
    expect(recursion.cases[1]!.caseError).toMatchObject({ type: "RecursionError", line: 2 });
    expect(recursion.cases[1]!.outcome).toBe("fail");
    // repr() recurses in C: with the limit lifted, this overflows the C stack and segfaults
    const crash = await asFailureCase(
      `import sys\nsys.setrecursionlimit(10 ** 8)\nx = []\nfor _ in range(10 ** 6):\n    x = [x]\nrepr(x)`,
    );
    expect(crash.cases[1]!.outcome).toBe("error");
    expect(crash.cases[1]!.caseError?.type).toBe("CaseCrashed");
    expect(crash.reason).toBe("failure_case_error");
    expect(crash.cases[0]!.outcome).toBe("pass");
  });

  it("keeps 20 MB of printed output to the output limit, fast", async () => {
    const start = Date.now();
    const v = await asFailureCase(
      `import sys\nfor i in range(20):\n    sys.stdout.write("y" * 1_000_000)\nprint("x" * 1_000_000, file=sys.stderr)`,
      { timeoutMs: 10_000, outputBytes: 4096 },
    );
    const fc = v.cases[1]!;
    expect(fc.stdout).toBe("y".repeat(4096) + "\n…[truncated 20.0 MB]");
    expect(fc.stderr).toBe("x".repeat(4096) + "\n…[truncated 995.9 KB]");
    expect(fc.outcome).toBe("fail");
    expect(Date.now() - start).toBeLessThan(8_000);
  });

  it("kills every sandbox process when the server process dies", async () => {
    const dir = mkdtempSync(path.join(hostDir, "orphan-"));
    cpSync(BASIC.dir, path.join(dir, "pack"), { recursive: true });
    const script = path.join(dir, "run.mts");
    writeFileSync(
      script,
      `import { createSandbox } from ${JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), "index.ts"))};\n` +
        `const sb = createSandbox({ concurrency: 1 });\n` +
        `console.log("started");\n` +
        `await sb.runTask({ dir: ${JSON.stringify(path.join(dir, "pack"))}, hash: "x" }, { verifier: "def verify(s, a):\\n    return True\\n", solution: "while True: pass", failureCases: [] }, { timeoutMs: 120000 });\n`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    const sandboxPids = async (): Promise<number[]> => {
      // bwrap processes for this pack, and all their descendants
      const procs = readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .map(Number);
      const info = new Map<number, { ppid: number; cmd: string }>();
      for (const pid of procs) {
        try {
          const ppid = parentPid(pid);
          if (ppid === null) continue;
          info.set(pid, { ppid, cmd: readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ") });
        } catch {
          /* gone */
        }
      }
      const mine = new Set([...info].filter(([, v]) => v.cmd.includes(dir)).map(([pid]) => pid));
      let grew = true;
      while (grew) {
        grew = false;
        for (const [pid, v] of info) {
          if (!mine.has(pid) && mine.has(v.ppid)) {
            mine.add(pid);
            grew = true;
          }
        }
      }
      return [...mine];
    };
    let pids: number[] = [];
    for (let i = 0; i < 100 && pids.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pids = (await sandboxPids()).filter((p) => p !== child.pid);
    }
    expect(pids.length).toBeGreaterThanOrEqual(3); // bwrap, its init, the zygote (and the case)
    child.kill("SIGKILL");
    let alive = pids;
    for (let i = 0; i < 50 && alive.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = alive.filter(
        (p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z "),
      );
    }
    expect(alive).toEqual([]);
  });
});

describe("pack privileges", () => {
  it("does not give pack code more than cases get: no host files, no network, no exec", async () => {
    const dir = mkdtempSync(path.join(hostDir, "evil-pack-"));
    writeFileSync(
      path.join(dir, "env.py"),
      py`
        import os, socket
        PROBES = []
        for p in ("/etc/passwd", ${JSON.stringify(path.join(hostDir, "secret.txt"))}):
            try:
                PROBES.append(open(p).read()[:10])
            except OSError as e:
                PROBES.append(type(e).__name__)
        try:
            socket.create_connection(("127.0.0.1", 1), timeout=1)
        except OSError as e:
            PROBES.append(type(e).__name__)
        try:
            os.execv("/usr/bin/python3.11", ["x"])
        except OSError as e:
            PROBES.append(type(e).__name__)

        def probes(state):
            return PROBES

        TOOLS = {"probes": probes}

        def load_state():
            return {}
      `,
    );
    const v = await sandbox.runTask(
      { dir, hash: "evil" },
      task(`def verify(state, answer):\n    return True\n`, `respond(repr(probes()))`, []),
      FAST,
    );
    expect(v.cases[0]!.messages).toEqual([
      `['FileNotFoundError', 'FileNotFoundError', 'PermissionError', 'PermissionError']`,
    ]);
  });
});

// --- issue 8: IPC, process/thread cap, signals through fcntl, report and frame sizes, fairness ----

/** A pack in its own directory under hostDir (reachable by the sandbox's uid). */
function packWith(name: string, envPy: string): PackRef {
  const dir = path.join(hostDir, `${name}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(path.join(dir, "env.py"), envPy);
  return { dir, hash: path.basename(dir) };
}

/** Shared memory in use on the host (tmpfs, SysV and POSIX segments), in bytes. */
function hostShmem(): number {
  const m = /^Shmem:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return Number(m![1]) * 1024;
}

/** Processes and threads on the host (the 4th field of /proc/loadavg). */
function hostTasks(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[3]!.split("/")[1]);
}

/** Samples the host's task count while `fn` runs; returns fn's result and the peak growth. */
async function peakTasksDuring<T>(fn: () => Promise<T>): Promise<{ value: T; grew: number }> {
  const before = hostTasks();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, hostTasks())), 20);
  try {
    const value = await fn();
    return { value, grew: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** Runs fn and reports the longest the event loop was blocked meanwhile, in ms. */
async function maxLoopDelayDuring<T>(fn: () => Promise<T>): Promise<{ value: T; maxDelayMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const value = await fn();
    return { value, maxDelayMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

const IPC_ATTEMPTS = (key: number) => py`
  import ctypes, os
  libc = ctypes.CDLL(None, use_errno=True)
  libc.shmat.restype = ctypes.c_void_p
  libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
  IPC_CREAT = 0o1000
  out = []
  def attempt(name, r):
      out.append(f"{name}={r}/{ctypes.get_errno()}")
  # 12 segments of 256 MiB, each touched and detached: 3 GiB of host memory if they were allowed
  for i in range(12):
      shmid = libc.shmget(${key} + i, 256 << 20, IPC_CREAT | 0o666)
      if i == 0:
          attempt("shmget", shmid)
      if shmid >= 0:
          addr = libc.shmat(shmid, None, 0)
          if addr not in (None, ctypes.c_void_p(-1).value):
              ctypes.memset(addr, 1, 256 << 20)
              libc.shmdt(ctypes.c_void_p(addr))
  attempt("semget", libc.semget(${key}, 1, IPC_CREAT | 0o666))
  attempt("msgget", libc.msgget(${key}, IPC_CREAT | 0o666))
  mq_open = {"x86_64": 240, "aarch64": 180}[os.uname().machine]
  attempt("mq_open", libc.syscall(mq_open, b"/cat-mq", os.O_CREAT | os.O_RDWR, 0o600, None))
  respond(" ".join(out))
`;

describe("IPC and /dev/shm", () => {
  it("denies SysV and POSIX IPC: nothing one task's case makes is there for a later task's verifier, nor held on the host", async () => {
    const key = 0x5eed0000 + Math.floor(Math.random() * 0xff00);
    const sb = createSandbox({ concurrency: 1 }); // one zygote: both tasks share its IPC namespace
    try {
      const shmBefore = hostShmem();
      const maker = await sb.runTask(BASIC, task(counterIs(1), `increment()`, [IPC_ATTEMPTS(key)]), {
        timeoutMs: 20_000,
      });
      const grew = hostShmem() - shmBefore; // measured while that zygote is still alive
      expect(maker.cases[1]!.messages).toEqual(["shmget=-1/1 semget=-1/1 msgget=-1/1 mq_open=-1/1"]);
      expect(maker.cases[1]!.outcome).toBe("fail");
      expect(maker.status).toBe("accepted");
      expect(grew).toBeLessThan(1 << 30);
      // an unrelated task whose verdict would depend on finding the segment
      const finder = await sb.runTask(
        BASIC,
        task(
          py`
            import ctypes
            def verify(state, answer):
                libc = ctypes.CDLL(None, use_errno=True)
                found = [libc.shmget(${key} + i, 0, 0) for i in range(12)]
                found += [libc.semget(${key}, 0, 0), libc.msgget(${key}, 0, 0)]
                return state["counter"] == 1 and found == [-1] * 14
          `,
          `increment()`,
          [`pass`],
        ),
        FAST,
      );
      expect(finder.cases.map((c) => c.outcome)).toEqual(["pass", "fail"]);
      expect(finder.status).toBe("accepted");
    } finally {
      await sb.close();
    }
  });

  it("bounds /dev/shm to 1 MiB and keeps the rest of /dev read-only, even for the pack's env.py", async () => {
    const pack = packWith(
      "shm-filler",
      py`
        import os
        errors = set()
        for i in range(40):  # 2 GB, in files under the zygote's 64 MiB RLIMIT_FSIZE
            try:
                with open(f"/dev/shm/fill{i}", "wb") as f:
                    for _ in range(50):
                        f.write(b"x" * (1 << 20))
            except OSError as e:
                errors.add(e.errno)
        SHM = sum(os.stat(f"/dev/shm/{n}").st_size for n in os.listdir("/dev/shm"))
        try:
            open("/dev/elsewhere", "w").write("x" * 1000)
            DEV = "wrote"
        except OSError as e:
            DEV = e.errno
        PROBE = [SHM, sorted(errors), DEV]

        def probe(state):
            return PROBE

        TOOLS = {"probe": probe}

        def load_state():
            return {}
      `,
    );
    const shmBefore = hostShmem();
    const v = await sandbox.runTask(
      pack,
      task(`def verify(s, a):\n    return True\n`, `respond(repr(probe()))`, []),
      FAST,
    );
    const grew = hostShmem() - shmBefore; // the zygote is still alive: whatever it wrote is still there
    const [shm, errors, dev] = JSON.parse(v.cases[0]!.messages[0]!.replace(/'/g, '"')) as [
      number,
      number[],
      number | string,
    ];
    expect(shm).toBeLessThanOrEqual(1 << 20);
    expect(errors).toEqual([28]); // ENOSPC
    expect(dev).toBe(30); // EROFS
    expect(v.status).toBe("rejected"); // no failure cases; the solution passed
    expect(v.cases[0]!.outcome).toBe("pass");
    expect(grew).toBeLessThan(1 << 30);
  });
});

describe("processes and threads", () => {
  it("caps the threads a case can start: it fails with \"can't start new thread\" and the host's task count stays bounded", async () => {
    const bomb = py`
      import threading, time
      threading.stack_size(32768)
      ev = threading.Event()
      n = 0
      try:
          for _ in range(6000):
              threading.Thread(target=ev.wait, daemon=True).start()
              n += 1
      finally:
          respond(str(n))
          time.sleep(1)  # hold them while the host counts
    `;
    const { value: v, grew } = await peakTasksDuring(() => asFailureCase(bomb, { timeoutMs: 20_000 }));
    const fc = v.cases[1]!;
    expect(Number(fc.messages[0])).toBeLessThan(128);
    expect(fc.caseError).toMatchObject({ type: "RuntimeError" });
    expect(fc.caseError!.message).toContain("can't start new thread");
    expect(fc.outcome).toBe("fail");
    expect(v.status).toBe("accepted");
    expect(grew).toBeLessThan(1500); // 6,000 without the cap; others' tests move it by some hundreds
  });

  it("caps the processes a pack's env.py can fork while it is registered (inspectPack) and run", async () => {
    const pack = packWith(
      "fork-bomb",
      py`
        import os, time
        n, err = 0, None
        try:
            for _ in range(3000):
                if os.fork() == 0:
                    time.sleep(2)
                    os._exit(0)
                n += 1
        except OSError as e:
            err = e.errno
        TOOL_SCHEMAS = [{"name": "forked", "description": f"{n} {err}"}]
        TOOLS = {"forked": lambda state: n}

        def load_state():
            return {}
      `,
    );
    const { value: info, grew } = await peakTasksDuring(() => inspectPack(pack));
    const [n, err] = String((info.toolSchemas![0] as { description: string }).description).split(" ");
    expect(Number(n)).toBeLessThan(128);
    expect(err).toBe("11"); // EAGAIN
    expect(grew).toBeLessThan(1500);
    // in a zygote, the processes it keeps leave no room for a case: a clear error, not a crash
    const run = await peakTasksDuring(() =>
      sandbox.runTask(pack, task(`def verify(s, a):\n    return True\n`, `pass`, []), FAST),
    );
    expect(run.value.cases[0]).toMatchObject({ outcome: "error", caseError: { type: "CaseCrashed" } });
    expect(run.value.cases[0]!.caseError!.message).toMatch(/limit of 128 processes and threads/);
    expect(run.grew).toBeLessThan(1500);
  });
});

describe("signals and scheduling", () => {
  const SETOWN = py`
    import fcntl, os, socket, struct
    ppid = os.getppid()
    out = []
    def attempt(fn):
        try:
            fn()
            out.append("ok")
        except OSError as e:
            out.append(e.errno)
    r, w = os.pipe()
    a, b = socket.socketpair()
    attempt(lambda: fcntl.fcntl(r, fcntl.F_SETOWN, ppid))
    attempt(lambda: fcntl.fcntl(r, 10, 9))  # F_SETSIG: SIGKILL instead of SIGIO
    attempt(lambda: fcntl.fcntl(r, 15, struct.pack("ii", 1, ppid)))  # F_SETOWN_EX, F_OWNER_TID
    attempt(lambda: fcntl.ioctl(a.fileno(), 0x8901, struct.pack("i", ppid)))  # FIOSETOWN
    attempt(lambda: fcntl.ioctl(a.fileno(), 0x8902, struct.pack("i", ppid)))  # SIOCSPGRP
    for fd in (r, a.fileno()):
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
    os.write(w, b"x")
    b.send(b"x")
    respond(repr(out))
  `;

  it("cannot have the kernel signal its zygote (F_SETOWN, F_SETSIG, FIOSETOWN), not even 20 times in a row", async () => {
    const sb = createSandbox({ concurrency: 2 });
    try {
      const one = await sb.runTask(BASIC, task(counterIs(1), `increment()`, [SETOWN]), FAST);
      expect(one.cases[1]!.messages).toEqual(["[1, 1, 1, 1, 1]"]);
      expect(one.cases[1]!.outcome).toBe("fail");
      const start = Date.now();
      const many = await sb.runTask(
        BASIC,
        task(
          counterIs(1),
          `increment()`,
          Array.from({ length: 20 }, () => SETOWN),
        ),
        FAST,
      );
      expect(many.cases.map((c) => c.outcome)).toEqual(["pass", ...Array.from({ length: 20 }, () => "fail")]);
      expect(many.cases.every((c) => !c.caseError)).toBe(true); // no zygote was lost under them
      expect(many.status).toBe("accepted");
      expect(Date.now() - start).toBeLessThan(15_000);
    } finally {
      await sb.close();
    }
  });

  it("cannot change the scheduling of its zygote or the sandbox's init, and later tasks run as before", async () => {
    const sb = createSandbox({ concurrency: 1 }); // the later task runs on the same zygote
    try {
      const attempts = py`
        import ctypes, os, struct
        libc = ctypes.CDLL(None, use_errno=True)
        SCHED_IDLE = 5
        out = []
        for pid in (os.getppid(), 1):
            for fn in (lambda: os.sched_setscheduler(pid, SCHED_IDLE, os.sched_param(0)),
                       lambda: os.setpriority(os.PRIO_PROCESS, pid, 19),
                       lambda: os.sched_setparam(pid, os.sched_param(0))):
                try:
                    fn()
                    out.append("changed")
                except OSError as e:
                    out.append(e.errno)
            attr = ctypes.create_string_buffer(struct.pack("IIQiIQQQ", 48, SCHED_IDLE, 0, 19, 0, 0, 0, 0))
            nr = {"x86_64": 314, "aarch64": 274}[os.uname().machine]  # sched_setattr
            out.append(libc.syscall(nr, pid, attr, 0) == 0 and "changed" or ctypes.get_errno())
        respond(repr(out))
      `;
      const v = await sb.runTask(BASIC, task(counterIs(1), `increment()`, [attempts]), FAST);
      expect(v.cases[1]!.messages).toEqual(["[1, 1, 1, 1, 1, 1, 1, 1]"]);
      const hostNice = os.getPriority();
      const probe = py`
        import os, time
        t = time.perf_counter()
        for _ in range(10 ** 6):
            pass
        respond(repr([os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0), time.perf_counter() - t < 5]))
      `;
      const later = await sb.runTask(
        BASIC,
        task(`def verify(s, a):\n    return a == "[0, ${hostNice}, True]"\n`, probe, []),
        FAST,
      );
      // SCHED_OTHER, and the niceness the sandbox inherited from this process (0 unless run under nice)
      expect(later.cases[0]!.messages).toEqual([`[0, ${hostNice}, True]`]);
      expect(later.cases[0]!.outcome).toBe("pass");
    } finally {
      await sb.close();
    }
  });
});

describe("sizes of what comes back", () => {
  /** A failure case that writes its own result header on fd 3: n messages of `emoji` × m, k tool calls. */
  const forger = (o: { messages: number; chars: number; calls: number; argChars: number; ascii: boolean }) => py`
    import json, os, struct
    e = "\\U0001F600"
    header = {"caseError": None, "messages": [e * ${o.chars}] * ${o.messages},
              "toolCalls": [{"name": "t", "args": e * ${o.argChars}, "result": e * ${o.argChars}}] * ${o.calls}}
    body = json.dumps(header, ensure_ascii=${o.ascii ? "True" : "False"}).encode()
    os.write(3, struct.pack(">IQ", len(body), 0) + body)
    os._exit(0)
  `;

  it("bounds a forged self-report field by field (messages, tool calls), with markers, without blocking the host", async () => {
    // 2.6 MB of raw UTF-8: under the 4 MiB a report may have, and 8 MB once escaped as JSON
    const start = Date.now();
    const { value: v, maxDelayMs } = await maxLoopDelayDuring(() =>
      asFailureCase(forger({ messages: 201, chars: 2000, calls: 501, argChars: 250, ascii: false })),
    );
    const fc = v.cases[1]!;
    expect(fc.outcome).toBe("fail"); // the verifier saw the pristine state: counter 0
    expect(fc.messages.length).toBeLessThanOrEqual(202);
    expect(fc.messages.at(-1)).toMatch(/^…\[\d+ more messages\]$/);
    expect(JSON.stringify(fc.messages).length).toBeLessThan(1.1 * (1 << 20));
    expect(fc.toolCalls.length).toBeLessThanOrEqual(502);
    expect(fc.toolCalls.at(-1)).toMatchObject({ name: "…", args: { omittedCalls: expect.any(Number) } });
    expect(JSON.stringify(fc.toolCalls).length).toBeLessThan(1.1 * (1 << 20));
    expect(v.status).toBe("accepted");
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(maxDelayMs).toBeLessThan(1_000);
  });

  it("refuses a 22 MB forged self-report as a whole, quickly, without blocking the host", async () => {
    const start = Date.now();
    const { value: v, maxDelayMs } = await maxLoopDelayDuring(() =>
      asFailureCase(forger({ messages: 201, chars: 8001, calls: 501, argChars: 40, ascii: true })),
    );
    const fc = v.cases[1]!;
    expect(fc.outcome).toBe("error");
    expect(fc.caseError).toMatchObject({ type: "CaseCrashed" });
    expect(fc.caseError!.message).toMatch(/report about itself was larger than/);
    expect(fc.messages).toEqual([]);
    expect(fc.toolCalls).toEqual([]);
    expect(v.reason).toBe("failure_case_error");
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(maxDelayMs).toBeLessThan(1_000);
  });

  it("fits printed output of any kind into the reply frame", async () => {
    // 1 MiB per stream and phase of control characters: 6 bytes each once escaped as JSON
    const v = await sandbox.runTask(
      BASIC,
      task(
        `import sys\ndef verify(s, a):\n    sys.stdout.write("\\x01" * (1 << 20))\n    sys.stderr.write("\\x01" * (1 << 20))\n    return True\n`,
        `import sys\nsys.stdout.write("\\x01" * (1 << 20))\nsys.stderr.write("\\x01" * (1 << 20))`,
        [],
      ),
      { ...FAST, outputBytes: 1 << 20 },
    );
    const sol = v.cases[0]!;
    expect(sol.outcome).toBe("pass");
    expect(sol.stdout).toMatch(/more characters cut to fit the reply\]$/);
    expect(sol.stdout.length + sol.stderr.length).toBeLessThan(8 << 20);
  });

  it("refuses an env.py that writes a 127 MiB frame to the host, from the length alone, in inspectPack and in runTask", async () => {
    const pack = packWith(
      "frame-flood",
      py`
        import os, struct
        os.write(3, struct.pack(">I", 127 << 20))
        chunk = b"x" * (1 << 20)
        for _ in range(127):
            os.write(3, chunk)
        TOOLS = {}

        def load_state():
            return {}
      `,
    );
    const start = Date.now();
    const inspected = await maxLoopDelayDuring(() => inspectPack(pack).catch((e: unknown) => e));
    expect(inspected.value).toBeInstanceOf(PackLoadError);
    expect((inspected.value as Error).message).toMatch(/oversized frame/);
    expect(inspected.maxDelayMs).toBeLessThan(1_000);
    const ran = await maxLoopDelayDuring(() =>
      sandbox.runTask(pack, task(`def verify(s, a):\n    return True\n`, ``, []), FAST).catch((e: unknown) => e),
    );
    expect(ran.value).toBeInstanceOf(PackLoadError);
    expect((ran.value as Error).message).toMatch(/oversized frame/);
    expect(ran.maxDelayMs).toBeLessThan(1_000);
    expect(Date.now() - start).toBeLessThan(15_000);
    // and the pool goes on with other packs
    expect((await asFailureCase(`pass`)).status).toBe("accepted");
  });

  it("refuses TOOL_SCHEMAS over 1 MiB of JSON or nested over 64 levels, as a pack error", async () => {
    const big = packWith(
      "big-schemas",
      `TOOLS = {}\nTOOL_SCHEMAS = [{"name": "x", "description": "d" * (2 << 20)}]\ndef load_state():\n    return {}\n`,
    );
    await expect(inspectPack(big)).rejects.toThrow(/TOOL_SCHEMAS is 2\.1 MB of JSON; the limit is 1\.0 MB/);
    const deep = packWith(
      "deep-schemas",
      `TOOLS = {}\nx = {}\nfor _ in range(100):\n    x = {"p": x}\nTOOL_SCHEMAS = [x]\ndef load_state():\n    return {}\n`,
    );
    await expect(inspectPack(deep)).rejects.toThrow(/nested more than 64 levels/);
  });

  it("reads frames in linear time and refuses an oversized one before buffering it", () => {
    const frames: Buffer[] = [];
    const errors: Error[] = [];
    const reader = new FrameReader(
      (b) => frames.push(b),
      (e) => errors.push(e),
    );
    const body = Buffer.alloc(8 << 20, 0x61);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    const all = Buffer.concat([head, body, head, body]);
    const start = performance.now();
    for (let i = 0; i < all.length; i += 65536) reader.push(all.subarray(i, i + 65536));
    expect(performance.now() - start).toBeLessThan(1_000); // quadratic joining took seconds
    expect(frames.map((f) => f.length)).toEqual([body.length, body.length]);
    expect(frames[1]!.equals(body)).toBe(true);
    const big = Buffer.alloc(4);
    big.writeUInt32BE((8 << 20) + 1, 0);
    reader.push(big);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/oversized frame/)]);
    reader.push(Buffer.concat([head, body])); // nothing more after the refusal
    expect(frames.length).toBe(2);
  });
});

describe("sharing the pool", () => {
  const sleepyVerifier = `import time\ndef verify(state, answer):\n    time.sleep(3600)\n`;

  it("lets a later small task through while a task of 40 slow cases runs, and ends that one at its budget", async () => {
    const sb = createSandbox({ concurrency: 2 });
    try {
      // both zygotes up before the clock starts
      await Promise.all([0, 1].map(() => sb.runTask(BASIC, task(counterIs(0), ``, []), FAST)));
      let bigDone = false;
      const bigStart = Date.now();
      const bigRun = sb
        .runTask(
          BASIC,
          task(
            sleepyVerifier,
            `increment()`,
            Array.from({ length: 40 }, () => `pass`),
          ),
          { timeoutMs: 1_000 },
          { budgetMs: 8_000 },
        )
        .then((v) => {
          bigDone = true;
          return { v, ms: Date.now() - bigStart };
        });
      await new Promise((r) => setTimeout(r, 500));
      const smallStart = Date.now();
      const small = await sb.runTask(BASIC, task(counterIs(1), `increment()`, [`pass`]), { timeoutMs: 1_000 });
      const smallMs = Date.now() - smallStart;
      expect(small.status).toBe("accepted");
      expect(smallMs).toBeLessThan(6_000); // a few case timeouts, not 40 of them
      expect(bigDone).toBe(false);

      const { v: big, ms: bigMs } = await bigRun;
      const notRun = big.cases.filter((c) => c.caseError?.message.startsWith("not run:"));
      const ran = big.cases.filter((c) => !notRun.includes(c));
      expect(notRun.length).toBeGreaterThan(20);
      for (const c of notRun) {
        expect(c).toMatchObject({
          outcome: "timeout",
          caseError: { type: "Timeout", message: "not run: the task's time budget of 8 s was used up" },
        });
      }
      for (const c of ran) expect(c).toMatchObject({ outcome: "timeout", verifyError: { type: "Timeout" } });
      expect(big.cases[0]!.role).toBe("solution");
      expect(notRun).not.toContain(big.cases[0]); // cases are dispatched in order
      expect(big.reason).toBe("solution_not_passing");
      expect(bigMs).toBeLessThan(15_000); // its budget over two zygotes, plus the cases already started
    } finally {
      await sb.close();
    }
  });

  it("gives a task one case timeout per case by default", async () => {
    const sb = createSandbox({ concurrency: 1 });
    try {
      // each case takes about two timeouts (a slow case, then a verify that times out): half get to run
      const v = await sb.runTask(
        BASIC,
        task(
          sleepyVerifier,
          `import time\ntime.sleep(0.45)`,
          Array.from({ length: 9 }, () => `import time\ntime.sleep(0.45)`),
        ),
        {
          timeoutMs: 500,
        },
      );
      const notRun = v.cases.filter(
        (c) => c.caseError?.message === "not run: the task's time budget of 5 s was used up",
      );
      expect(notRun.length).toBeGreaterThan(0);
      expect(notRun.length).toBeLessThan(10);
      expect(v.cases[0]!.outcome).toBe("timeout");
    } finally {
      await sb.close();
    }
  });
});
