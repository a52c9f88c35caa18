// Hostile cases, verifiers and packs: each test asserts the verdict AND that the host saw no effect.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type PackRef, type Sandbox, type SandboxLimits } from "./index";
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
    const targets = [secretFile, "/etc/shadow", "/etc/passwd", "/root/.bashrc", here, "/proc/self/environ", "/proc/1/cmdline", "/work", "/home"];
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
        task(counterIs(0), `import os\nrespond(repr(dict(os.environ)))\nrespond(repr(os.environ.get("CAT_TEST_SECRET")))`, []),
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
    const v = await asFailureCase(`while True:\n    try:\n        pass\n    except BaseException:\n        pass`, { timeoutMs: 1_000 });
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
    const limits = { ...FAST, memoryBytes: 512 << 20 };
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
    const crash = await asFailureCase(`import sys\nsys.setrecursionlimit(10 ** 8)\nx = []\nfor _ in range(10 ** 6):\n    x = [x]\nrepr(x)`);
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
      const procs = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number);
      const info = new Map<number, { ppid: number; cmd: string }>();
      for (const pid of procs) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          info.set(pid, { ppid, cmd: readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ") });
        } catch {
          /* gone */
        }
      }
      const mine = new Set([...info].filter(([, v]) => v.cmd.includes(dir)).map(([pid]) => pid));
      let grew = true;
      while (grew) {
        grew = false;
        for (const [pid, v] of info) if (!mine.has(pid) && mine.has(v.ppid)) (mine.add(pid), (grew = true));
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
      alive = alive.filter((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z "));
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
    expect(v.cases[0]!.messages).toEqual([`['FileNotFoundError', 'FileNotFoundError', 'PermissionError', 'PermissionError']`]);
  });
});
