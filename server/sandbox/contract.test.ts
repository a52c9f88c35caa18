// The case contract and the CaT verdict, against the real sandbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, decideVerdict, hashTaskCode, type CaseResult, type Sandbox } from "./index";
import { BASIC, FAST, counterIs, py, task } from "./test-helpers";

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox({ concurrency: 2 });
});
afterAll(async () => {
  await sandbox.close();
});

describe("one case", () => {
  it("runs the case as a module body with tools as keyword functions and respond()", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          def verify(state, answer):
              return state["counter"] == 3 and answer == "counter is 3"
        `,
        py`
          n = increment(by=2)
          n = increment()
          print("stdout works", n)
          respond("thinking")
          respond(f"counter is {get_counter()}")
        `,
        ["increment()"],
      ),
      FAST,
    );
    expect(v.status).toBe("accepted");
    const sol = v.cases[0]!;
    expect(sol).toMatchObject({ role: "solution", index: 0, outcome: "pass", returnRepr: "True" });
    expect(sol.messages).toEqual(["thinking", "counter is 3"]);
    expect(sol.stdout).toContain("stdout works 3");
    expect(sol.toolCalls.map((c) => [c.name, c.args])).toEqual([
      ["increment", { by: 2 }],
      ["increment", {}],
      ["get_counter", {}],
    ]);
    expect(sol.toolCalls[0]!.result).toBe("2");
    expect(v.cases[1]).toMatchObject({ role: "failure", index: 0, outcome: "fail", returnRepr: "False" });
    expect(v.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(v.packHash).toBe(BASIC.hash);
  });

  it("calls tools with positional arguments too, as TOOLS[name](state, *args, **kwargs)", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          def verify(state, answer):
              return state["counter"] == 5 and state["items"]["I1"]["price"] == 7.5 and answer == "15.0"
        `,
        py`
          increment(2)
          increment(by=3)
          set_price("I1", price=7.5)
          respond(str(order_total("#O0001")))
        `,
        [`increment(2, 3)`, `set_price("I1")`],
      ),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail", "fail"]);
    expect(v.status).toBe("accepted");
    const sol = v.cases[0]!;
    // keyword arguments as an object, as ever; positional ones as a list, with the call as written
    expect(sol.toolCalls.map((c) => [c.name, c.args, c.call])).toEqual([
      ["increment", [2], "increment(2)"],
      ["increment", { by: 3 }, undefined],
      ["set_price", ["I1", { price: 7.5 }], "set_price('I1', price=7.5)"],
      ["order_total", ["#O0001"], "order_total('#O0001')"],
    ]);
    // a positional call a tool does not accept fails as Python says, in the case
    const [tooMany, tooFew] = [v.cases[1]!, v.cases[2]!];
    expect(tooMany.caseError).toMatchObject({
      type: "TypeError",
      message: expect.stringMatching(/increment\(\) takes from 1 to 2 positional arguments but 3 were given/),
    });
    expect(tooMany.toolCalls[0]).toMatchObject({
      name: "increment",
      args: [2, 3],
      error: expect.stringContaining("TypeError"),
    });
    expect(tooFew.caseError).toMatchObject({ type: "TypeError", message: expect.stringContaining("price") });
  });

  it("starts every case from a fresh load_state(), whatever earlier cases did", async () => {
    const probe = py`
      respond(str(get_counter()))
      respond(str(len(raw_state()["orders"])))
    `;
    const vandal = py`
      s = raw_state()
      s["orders"].clear()
      s["counter"] = 999
      s["extra"] = list(range(1000))
      increment(by=5)
    `;
    const failureCases = [vandal, probe, vandal, probe, vandal, probe];
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          def verify(state, answer, messages):
              return messages == ["0", "400"]
        `,
        probe,
        failureCases,
      ),
      FAST,
    );
    expect(v.cases[0]!.outcome).toBe("pass");
    for (const c of v.cases.slice(1)) {
      expect(c.outcome).toBe(c.index % 2 === 1 ? "pass" : "fail");
    }
    expect(v.reason).toBe("failure_case_passing");
  });

  it("passes messages to a three-parameter verify and the last message as the answer", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          def verify(state, answer, messages):
              return answer == "b" and messages == ["a", "b"]
        `,
        `respond("a")\nrespond("b")`,
        [`respond("b")`, ``],
      ),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail", "fail"]);
    expect(v.status).toBe("accepted");
  });

  it("gives a two-parameter verify the answer, '' when nothing was said", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(`def verify(state, answer):\n    return answer == ""\n`, ``, [`respond("hi")`]),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail"]);
  });

  it("accepts verify(*args) and defaulted third parameters as three-parameter verifiers", async () => {
    const star = await sandbox.runTask(BASIC, task(`def verify(*args):\n    return len(args) == 3\n`, ``, []), FAST);
    expect(star.cases[0]!.outcome).toBe("pass");
    const defaulted = await sandbox.runTask(
      BASIC,
      task(`def verify(state, answer, messages=None):\n    return messages == ["x"]\n`, `respond("x")`, []),
      FAST,
    );
    expect(defaulted.cases[0]!.outcome).toBe("pass");
  });

  it("records a case's exception and still verifies the state it reached", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        counterIs(1),
        py`
          increment()
          x = 1
          raise ValueError("after the work")
        `,
        [
          py`
            get_item(item_id="nope")
          `,
        ],
      ),
      FAST,
    );
    const sol = v.cases[0]!;
    expect(sol.outcome).toBe("pass");
    expect(sol.caseError).toMatchObject({ type: "ValueError", message: "after the work", line: 3, source: "case" });
    expect(sol.caseError!.traceback).toContain('File "<solution>", line 3, in <module>');
    expect(sol.caseError!.traceback).toContain('raise ValueError("after the work")');
    const fc = v.cases[1]!;
    expect(fc.outcome).toBe("fail");
    expect(fc.caseError).toMatchObject({ type: "KeyError", line: 1 });
    // the tool's own frame (pack source) is shown, the harness' frames are not
    expect(fc.caseError!.traceback).toContain('File "<failure_case_0>", line 1');
    expect(fc.caseError!.traceback).toContain('File "env.py"');
    expect(fc.caseError!.traceback).not.toContain("harness.py");
    expect(fc.toolCalls[0]).toMatchObject({ name: "get_item", args: { item_id: "nope" } });
    expect(fc.toolCalls[0]!.error).toContain("KeyError");
    expect(v.status).toBe("accepted");
  });

  it("names failure cases by index in tracebacks and points verify errors into <verifier>", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          import math

          def verify(state, answer):
              if answer == "boom":
                  return 1 / 0
              return state["counter"] == 1
        `,
        `increment()`,
        [`pass`, `pass`, `\n\nrespond("boom")\nundefined_name`],
      ),
      FAST,
    );
    const fc2 = v.cases[3]!;
    expect(fc2.index).toBe(2);
    expect(fc2.caseError).toMatchObject({ type: "NameError", line: 4 });
    expect(fc2.caseError!.traceback).toContain('File "<failure_case_2>", line 4');
    expect(fc2.outcome).toBe("error");
    expect(fc2.verifyError).toMatchObject({ type: "ZeroDivisionError", line: 5, source: "verifier" });
    expect(fc2.verifyError!.traceback).toContain('File "<verifier>", line 5, in verify');
    expect(fc2.verifyError!.traceback).toContain("return 1 / 0");
    expect(v.reason).toBe("failure_case_error");
  });

  it("reports a syntax error in a case with its line and verifies the untouched state", async () => {
    const v = await sandbox.runTask(BASIC, task(counterIs(0), `x = 1\nif True\n  pass`, []), FAST);
    expect(v.cases[0]!.caseError).toMatchObject({ type: "SyntaxError", line: 2 });
    expect(v.cases[0]!.caseError!.traceback).toContain("<solution>");
    expect(v.cases[0]!.outcome).toBe("pass");
  });

  it("truncates stdout and stderr with a marker saying how much was dropped", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        `def verify(state, answer):\n    print("v" * 5000)\n    return True\n`,
        py`
          import sys
          print("a" * 300_000)
          sys.stderr.write("e" * 50_000)
        `,
        [],
      ),
      { ...FAST, outputBytes: 1000 },
    );
    const c = v.cases[0]!;
    // 300,001 bytes printed (with the newline), 1,000 kept
    expect(c.stdout.startsWith("a".repeat(1000) + "\n…[truncated 299.0 KB]")).toBe(true);
    expect(c.stdout).toContain("[verifier stdout]\n" + "v".repeat(1000) + "\n…[truncated 4.0 KB]");
    expect(c.stderr).toBe("e".repeat(1000) + "\n…[truncated 49.0 KB]");
  });

  it("gives the verifier the exact final state, however the case changed it", async () => {
    // Random mutations straight on the live state (as a hostile case could); the case reports a
    // digest of repr(state) and the verifier must compute the same digest on its own copy.
    const mutator = (seed: number) => py`
      import random
      rng = random.Random(${seed})
      s = raw_state()

      def value(depth=0):
          r = rng.random()
          if depth < 2 and r < 0.15:
              return {rng.choice(["a", "b", "é", "k" + str(rng.randint(0, 9))]): value(depth + 1) for _ in range(rng.randint(0, 3))}
          if depth < 2 and r < 0.3:
              return [value(depth + 1) for _ in range(rng.randint(0, 3))]
          if depth < 2 and r < 0.35:
              return tuple(value(depth + 1) for _ in range(2))
          return rng.choice([0, 1, -1, 2**70, 1.5, -0.0, float("inf"), True, False, None, "", "x", "ü\\u2603", "\\ud800", b"raw"])

      def containers(node, out):
          if isinstance(node, (dict, list)):
              out.append(node)
              items = node.values() if isinstance(node, dict) else node
              for v in items:
                  containers(v, out)
          elif isinstance(node, tuple):
              for v in node:
                  containers(v, out)
          return out

      for step in range(40):
          every = containers(s, [])
          c = rng.choice(every[:50] + [rng.choice(every) for _ in range(10)])
          op = rng.random()
          if isinstance(c, dict):
              keys = list(c)
              if keys and op < 0.3:
                  c[rng.choice(keys)] = value()
              elif keys and op < 0.45:
                  del c[rng.choice(keys)]
              elif keys and op < 0.55:
                  k = rng.choice(keys)
                  c[k] = c.pop(k)  # moves the key to the end
              elif op < 0.8:
                  c[rng.choice(["new", 7, (1, "t"), 2.5, None, True, "\\x00t"])] = value()
              elif op < 0.85 and c is not s:
                  c.clear()
              else:
                  c.update({"u" + str(step): value()})
          else:
              if c and op < 0.25:
                  c[rng.randrange(len(c))] = value()
              elif op < 0.45:
                  c.append(value())
              elif op < 0.55:
                  c.insert(0, value())
              elif c and op < 0.7:
                  c.pop(rng.randrange(len(c)))
              elif op < 0.8:
                  c.reverse()
              elif op < 0.9:
                  del c[len(c) // 2:]
              else:
                  c.extend([value(), value()])
      respond(state_digest())
    `;
    const verifier = py`
      import hashlib

      def verify(state, answer):
          return hashlib.sha256(repr(state).encode("utf-8", "surrogatepass")).hexdigest() == answer
    `;
    const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
    const v = await sandbox.runTask(BASIC, task(verifier, mutator(0), seeds.map(mutator)), { timeoutMs: 10_000 });
    const bad = v.cases.filter((c) => c.outcome !== "pass");
    expect(bad.map((c) => [c.index, c.outcome, c.caseError?.message, c.verifyError?.message])).toEqual([]);
  });

  it("sees typical tool changes: nested edits, added and deleted records, list growth", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        py`
          def verify(state, answer):
              o = state["orders"]
              return (o["#O0001"]["status"] == "cancelled" and o["#O0001"]["notes"] == ["created", "cancelled"]
                      and "#O0005" not in o and o["#O0400"]["item"] == "I3" and list(o)[-1] == "#O0400"
                      and state["items"]["I2"]["price"] == 99.5 and state["log"] == ["increment 1"]
                      and len(o) == 400)
        `,
        py`
          cancel_order(order_id="#O0001")
          add_order(item_id="I3", qty=1)
          delete_order(order_id="#O0005")
          set_price(item_id="I2", price=99.5)
          increment()
        `,
        [`cancel_order(order_id="#O0001")`],
      ),
      FAST,
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["pass", "fail"]);
  });

  it("sees changes that leave a container's own memory as it was", async () => {
    // What a case changed is found by comparing memory with the zygote's (harness.py,
    // MemoryIndex). These changes keep every header and item array byte for byte: a list slot
    // whose string is freed and replaced by another of the same size lands at the same address;
    // a dict value changed in place keeps its table. Freeing most of the state gives pages back.
    const verifier = py`
      def verify(state, answer):
          if answer == "freed":
              return list(state.values()) == [None] * 5
          e = state["events"]
          return (e[3]["tags"] == ["seex"] and e[4]["tags"] == ["seed", "more"] and e[5]["n"] == -5
                  and state["orders"]["#O0007"]["qty"] == 9 and state["items"] == {} and state["log"] == [None])
    `;
    const solution = py`
      s = raw_state()
      tags = s["events"][3]["tags"]
      tags[0] = None
      tags[0] = "".join(["se", "ex"])
      s["events"][4]["tags"].append("more")
      s["events"][5]["n"] = -5
      s["orders"]["#O0007"]["qty"] = 9
      s["items"].clear()
      s["log"].append(None)
    `;
    const freeing = py`
      s = raw_state()
      for k in list(s):
          s[k] = None
      respond("freed")
    `;
    const v = await sandbox.runTask(BASIC, task(verifier, solution, [freeing]), FAST);
    expect(v.cases.map((c) => [c.outcome, c.caseError?.message, c.verifyError?.message])).toEqual([
      ["pass", undefined, undefined],
      ["pass", undefined, undefined],
    ]);
  });

  it("reports an error, not a verdict, when the case leaves non-data in the state", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(counterIs(0), `raw_state()["items"]["I1"]["fn"] = lambda: 1`, []),
      FAST,
    );
    expect(v.cases[0]!.outcome).toBe("error");
    expect(v.cases[0]!.verifyError).toMatchObject({ type: "StateTransferError", source: "case" });
    expect(v.cases[0]!.verifyError!.message).toContain("function");
  });
});

describe("the verdict", () => {
  const ok = `increment()`;
  const noop = `pass`;
  const raises = `raise RuntimeError("x")`;

  it("accepts when the verifier loads, the solution passes and every failure case fails", async () => {
    const v = await sandbox.runTask(BASIC, task(counterIs(1), ok, [noop, `increment(by=2)`]), FAST);
    expect(v).toMatchObject({ status: "accepted", reason: null });
    expect(v.verifierError).toBeUndefined();
    expect(v.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(v.codeHash).toBe(hashTaskCode(task(counterIs(1), ok, [noop, `increment(by=2)`])));
  });

  it("rejects with the first reason in the documented order, and still runs every case", async () => {
    const cases: Array<[string, string, string[], string]> = [
      ["def verify(state, answer)\n    return True\n", noop, [ok, raises], "verifier_invalid"],
      [`x = 1\n`, noop, [], "verifier_invalid"],
      [`verify = 3\n`, ok, [noop], "verifier_invalid"],
      [counterIs(1), noop, [ok, `x = {}["k"]`], "solution_not_passing"],
      [counterIs(1), ok, [], "no_failure_cases"],
      [counterIs(1), ok, [`while True: pass`, ok], "failure_case_passing"],
      [`def verify(state, answer):\n    return 1 / state["counter"] > 0\n`, ok, [noop], "failure_case_error"],
      [counterIs(1), ok, [noop, `while True: pass`], "failure_case_error"],
    ];
    const verdicts = await Promise.all(
      cases.map(([verifier, solution, failures]) =>
        sandbox.runTask(BASIC, task(verifier, solution, failures), { timeoutMs: 1_500 }),
      ),
    );
    expect(verdicts.map((v) => v.reason)).toEqual(cases.map((c) => c[3]));
    verdicts.forEach((v, i) => {
      expect(v.status).toBe("rejected");
      expect(v.cases).toHaveLength(1 + cases[i]![2].length);
    });
    // verifier_invalid: every case ran, each reports why verify could not run
    expect(verdicts[0]!.verifierError).toMatchObject({ type: "SyntaxError", line: 1, source: "verifier" });
    expect(verdicts[0]!.verifierError!.traceback).toContain('File "<verifier>", line 1');
    expect(verdicts[0]!.cases.map((c) => c.outcome)).toEqual(["error", "error", "error"]);
    expect(verdicts[0]!.cases[2]!.caseError).toMatchObject({ type: "RuntimeError" });
    expect(verdicts[1]!.verifierError!.message).toContain("does not define verify()");
    expect(verdicts[2]!.verifierError!.message).toContain("not a function");
    expect(verdicts[7]!.cases[2]!.outcome).toBe("timeout");
  });

  it("decides the same way in pure form", () => {
    const c = (role: "solution" | "failure", outcome: CaseResult["outcome"]): CaseResult => ({
      role,
      index: 0,
      outcome,
      stdout: "",
      stderr: "",
      toolCalls: [],
      messages: [],
      durationMs: 0,
    });
    expect(decideVerdict(true, [c("solution", "pass"), c("failure", "fail")]).reason).toBe(null);
    expect(decideVerdict(true, [c("solution", "timeout"), c("failure", "pass")]).reason).toBe("solution_not_passing");
    expect(decideVerdict(true, [c("solution", "pass"), c("failure", "error"), c("failure", "pass")]).reason).toBe(
      "failure_case_passing",
    );
    expect(decideVerdict(true, [c("solution", "pass"), c("failure", "timeout")]).reason).toBe("failure_case_error");
    expect(decideVerdict(false, [c("solution", "pass"), c("failure", "fail")]).reason).toBe("verifier_invalid");
  });

  it("checks the verifier separately when no case got as far as verify", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(`def verify(state, answer):\n    return True\n`, `while True: pass`, [`while True: pass`]),
      { timeoutMs: 800 },
    );
    expect(v.cases.map((c) => c.outcome)).toEqual(["timeout", "timeout"]);
    expect(v.reason).toBe("solution_not_passing");
    const bad = await sandbox.runTask(BASIC, task(`def verify(:\n`, `while True: pass`, []), { timeoutMs: 800 });
    expect(bad.reason).toBe("verifier_invalid");
  });

  it("runs many tasks at once on two zygotes", async () => {
    const n = 12;
    const verdicts = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        sandbox.runTask(BASIC, task(counterIs(i), `increment(by=${i})`, [`increment(by=${i + 1})`]), FAST),
      ),
    );
    expect(verdicts.map((v) => v.status)).toEqual(Array(n).fill("accepted"));
  });
});
