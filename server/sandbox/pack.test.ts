// Environment packs: loading, validation, and a pack wrapping an existing tool environment.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, inspectPack, PackLoadError, type Sandbox } from "./index";
import { BASIC, FAST, WRAPPED, py, task } from "./test-helpers";

let sandbox: Sandbox;
let tmp: string;
beforeAll(() => {
  sandbox = createSandbox({ concurrency: 2 });
  tmp = mkdtempSync(path.join(os.tmpdir(), "cat-sandbox-packs-"));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(tmp, { recursive: true, force: true });
});

function makePack(name: string, files: Record<string, string>) {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return { dir, hash: name };
}

describe("inspectPack", () => {
  it("lists tools, schemas and the state size of a pack", async () => {
    const info = await inspectPack(BASIC);
    expect(info.tools).toEqual(expect.arrayContaining(["increment", "get_item", "cancel_order", "raw_state"]));
    expect(info.toolSchemas).toEqual([expect.objectContaining({ type: "function" })]);
    expect(info.stateBytes).toBeGreaterThan(10_000);
  });

  it("loads a wrapped tool environment: class tools, subpackages, data read via __file__", async () => {
    const info = await inspectPack(WRAPPED);
    expect(info.tools).toEqual(["cancel_pending_order", "find_user_id_by_email", "get_order_details"]);
    expect(info.toolSchemas!.map((s) => (s as { function: { name: string } }).function.name)).toEqual([
      "find_user_id_by_email",
      "get_order_details",
      "cancel_pending_order",
    ]);
  });

  const broken: Array<[string, Record<string, string>, RegExp]> = [
    ["syntax", { "env.py": "def load_state(:\n" }, /SyntaxError/],
    [
      "raises",
      { "env.py": "import missing_module_xyz\n" },
      /ModuleNotFoundError: No module named 'missing_module_xyz'/,
    ],
    ["no-tools", { "env.py": "def load_state():\n    return {}\n" }, /does not define TOOLS/],
    ["tools-list", { "env.py": "TOOLS = [print]\ndef load_state():\n    return {}\n" }, /TOOLS must be a mapping/],
    [
      "tool-not-callable",
      { "env.py": "TOOLS = {'x': 3}\ndef load_state():\n    return {}\n" },
      /TOOLS\['x'\] is not callable/,
    ],
    [
      "tool-bad-name",
      { "env.py": "TOOLS = {'not valid': print}\ndef load_state():\n    return {}\n" },
      /not a valid Python identifier/,
    ],
    ["no-load-state", { "env.py": "TOOLS = {}\n" }, /callable load_state/],
    [
      "state-object",
      { "env.py": "TOOLS = {}\ndef load_state():\n    return {'a': [1, object()]}\n" },
      /JSON-like.*object at state\['a'\]\[1\]/,
    ],
    ["state-set", { "env.py": "TOOLS = {}\ndef load_state():\n    return {'a': {1, 2}}\n" }, /found set/],
    [
      "schemas",
      { "env.py": "TOOLS = {}\nTOOL_SCHEMAS = 3\ndef load_state():\n    return {}\n" },
      /TOOL_SCHEMAS must be a list/,
    ],
    ["exits", { "env.py": "import sys\nsys.exit(3)\n" }, /SystemExit/],
  ];
  for (const [name, files, message] of broken) {
    it(`rejects a broken pack clearly: ${name}`, async () => {
      const err = await inspectPack(makePack(name, files)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PackLoadError);
      expect((err as PackLoadError).message).toMatch(message);
    });
  }

  it("points pack tracebacks at the pack's own files", async () => {
    const pack = makePack("deep-error", {
      "env.py": "from lib.data import load\nTOOLS = {}\nload_state = load\n",
      "lib/__init__.py": "",
      "lib/data.py": "def load():\n    return 1 / 0\n\nVALUE = load()\n",
    });
    const err = (await inspectPack(pack).catch((e: unknown) => e)) as PackLoadError;
    expect(err.detail!.type).toBe("ZeroDivisionError");
    expect(err.detail!.traceback).toContain('File "lib/data.py", line 4');
    expect(err.detail!.traceback).toContain('File "lib/data.py", line 2, in load');
  });

  it("gives up on a pack that never finishes loading", async () => {
    const pack = makePack("hangs", { "env.py": "while True:\n    pass\n" });
    const err = await inspectPack(pack, { timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackLoadError);
    expect((err as Error).message).toMatch(/did not load within 1500 ms/);
  });

  it("refuses a directory without env.py", async () => {
    await expect(inspectPack({ dir: tmp, hash: "x" })).rejects.toThrow(/no env.py/);
  });
});

describe("runTask on packs", () => {
  it("runs a CaT task against the wrapped environment", async () => {
    const v = await sandbox.runTask(
      WRAPPED,
      task(
        py`
          def verify(state, answer):
              o = state["orders"]["#W1000"]
              return o["status"] == "cancelled" and o["cancel_reason"] == "no longer needed" and answer.startswith("Done")
        `,
        py`
          import json
          uid = find_user_id_by_email(email="USER0@example.com")
          order = json.loads(get_order_details(order_id="#W1000"))
          assert order["user_id"] == uid
          cancel_pending_order(order_id="#W1000", reason="no longer needed")
          respond("Done: order #W1000 is cancelled")
        `,
        [
          `cancel_pending_order(order_id="#W1000", reason="ordered by mistake")\nrespond("Done")`,
          `cancel_pending_order(order_id="#W1001", reason="no longer needed")\nrespond("Done")`,
          `respond("Done")`,
        ],
      ),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail", "fail", "fail"]);
    expect(v.status).toBe("accepted");
    expect(v.packHash).toBe(WRAPPED.hash);
    expect(v.cases[0]!.toolCalls.map((c) => c.name)).toEqual([
      "find_user_id_by_email",
      "get_order_details",
      "cancel_pending_order",
    ]);
  });

  it("fails the task run (not the verdict) when the pack does not load", async () => {
    const pack = makePack("broken-run", { "env.py": "raise RuntimeError('broken pack')\n" });
    await expect(sandbox.runTask(pack, task("def verify(s, a):\n    return True\n", "", []), FAST)).rejects.toThrow(
      /broken pack/,
    );
  });

  it("switches between packs on the same pool", async () => {
    const a = makePack("switch-a", { "env.py": "TOOLS = {}\ndef load_state():\n    return {'pack': 'a'}\n" });
    const b = makePack("switch-b", { "env.py": "TOOLS = {}\ndef load_state():\n    return {'pack': 'b'}\n" });
    const check = (p: string) => task(`def verify(state, answer):\n    return state["pack"] == "${p}"\n`, "", []);
    const verdicts = await Promise.all([
      sandbox.runTask(a, check("a"), FAST),
      sandbox.runTask(b, check("b"), FAST),
      sandbox.runTask(BASIC, task(`def verify(s, a):\n    return s["counter"] == 0\n`, "", []), FAST),
      sandbox.runTask(a, check("a"), FAST),
      sandbox.runTask(b, check("b"), FAST),
    ]);
    expect(verdicts.map((v) => v.cases[0]!.outcome)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
  });

  it("replaces a zygote that dies, retrying the case it was running once", async () => {
    // This pack's zygote kills itself 2.5 s after loading (alarms do not survive fork, so cases
    // are unaffected): a case still running then is lost with its zygote.
    const pack = makePack("self-destructs", {
      "env.py": py`
        import os, signal
        signal.signal(signal.SIGALRM, lambda *a: os._exit(3))
        signal.setitimer(signal.ITIMER_REAL, 2.5)
        TOOLS = {}

        def load_state():
            return {"ok": True}
      `,
    });
    const sb = createSandbox({ concurrency: 1 });
    try {
      const slow = await sb.runTask(
        pack,
        task(`def verify(s, a):\n    return True\n`, `import time\ntime.sleep(6)`, []),
        {
          timeoutMs: 8_000,
        },
      );
      // the zygote died under it twice (first run and retry): an error, not a hang
      expect(slow.cases[0]).toMatchObject({ outcome: "error", caseError: { type: "SandboxError" } });
      const quick = await sb.runTask(pack, task(`def verify(s, a):\n    return s["ok"]\n`, ``, [`raw = 1`]), FAST);
      expect(quick.cases.map((c) => c.outcome)).toEqual(["pass", "pass"]);
    } finally {
      await sb.close();
    }
  });

  it("kills a zygote that stops answering, reports a timeout and carries on with a fresh one", async () => {
    // This pack's zygote hangs (a signal handler that never returns) 1 s after loading.
    const pack = makePack("hangs-later", {
      "env.py": py`
        import signal, time
        signal.signal(signal.SIGALRM, lambda *a: time.sleep(3600))
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        TOOLS = {}

        def load_state():
            return {"ok": True}
      `,
    });
    const sb = createSandbox({ concurrency: 1, watchdogSlackMs: 500 });
    try {
      const start = Date.now();
      const v = await sb.runTask(
        pack,
        task(`def verify(s, a):\n    return s["ok"]\n`, `import time\ntime.sleep(3)`, [`x = 1`]),
        {
          timeoutMs: 1_000,
        },
      );
      expect(v.cases[0]).toMatchObject({ outcome: "timeout", caseError: { type: "Timeout" } });
      expect(v.cases[0]!.caseError!.message).toMatch(/did not answer within 2500 ms/);
      // the failure case was queued behind it on the hung zygote: it ran again on a fresh one
      expect(v.cases[1]!.outcome).toBe("pass");
      expect(Date.now() - start).toBeLessThan(10_000);
    } finally {
      await sb.close();
    }
  });

  it("rejects work after close()", async () => {
    const sb = createSandbox({ concurrency: 1 });
    await sb.close();
    await expect(sb.runTask(BASIC, task("def verify(s, a):\n    return True\n", "", []))).rejects.toThrow(/closed/);
  });
});
