// Strength checks against the real sandbox and the demo retail pack: what each case changed, what
// verify reads, the variants that leak, and flakiness. Verifiers come from the evaluation set
// (server/strength/fixtures/strength-eval.jsonl) where they fit.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox, type StrengthReport } from "./index";
import { BASIC, FAST, py, task } from "./test-helpers";

const RETAIL = { dir: path.resolve(import.meta.dirname, "../../packs/retail"), hash: "retail-strength-test" };
const EVAL = fs
  .readFileSync(path.resolve(import.meta.dirname, "../strength/fixtures/strength-eval.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as { id: string; verifier: string; solution: string; failure_cases: string[] });
const evalTask = (id: string) => EVAL.find((t) => t.id === `strength-${id}`)!;

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox({ concurrency: 2 });
});
afterAll(async () => {
  await sandbox.close();
});

const check = (verifier: string, solution: string, pack = RETAIL): Promise<StrengthReport> =>
  sandbox.checkStrength!(pack, { verifier, solution }, {}, { expectPass: true });
const leaks = (r: StrengthReport) => r.probes.filter((p) => p.verdict === "leak");

describe("the state diff of every case", () => {
  it("shows paths with before and after, added and removed keys, for the solution and each failure case", async () => {
    const t = evalTask("cancel-status-only");
    const v = await sandbox.runTask(RETAIL, {
      verifier: t.verifier,
      solution: t.solution,
      failureCases: ["pass", t.failure_cases[0]!],
    });
    expect(v.status).toBe("accepted");
    const sol = v.cases[0]!.stateDiff!;
    expect(sol.more).toBe(0);
    expect(sol.entries).toContainEqual({
      path: ["orders", "#W8149997", "status"],
      op: "changed",
      before: '"pending"',
      after: '"cancelled"',
    });
    expect(sol.entries).toContainEqual({
      path: ["orders", "#W8149997", "cancel_reason"],
      op: "added",
      after: '"no longer needed"',
    });
    expect(sol.entries.find((e) => e.path.join("/") === "orders/#W8149997/payment_history/1")?.op).toBe("added");
    // a failure case that changes nothing shows an empty diff, not a missing one
    expect(v.cases[1]!.stateDiff).toEqual({ entries: [], more: 0 });
  });

  it("is bounded, with how many more changes there were", async () => {
    const v = await sandbox.runTask(
      BASIC,
      task(
        "def verify(state, answer):\n    return True\n",
        py`
          for i in range(120):
              set_price(item_id=f"I{i % 5}", price=float(i))
              add_order(item_id="I1", qty=i)
          cancel_order(order_id="#O0001")
        `,
        [],
      ),
      FAST,
    );
    const d = v.cases[0]!.stateDiff!;
    expect(d.entries.length).toBeLessThanOrEqual(50);
    expect(d.entries.length + d.more).toBeGreaterThan(120);
    expect(JSON.stringify(d).length).toBeLessThan(20_000);
  });
});

describe("what verify reads", () => {
  it("reports the writes a verifier that checks only the status never reads", async () => {
    const t = evalTask("cancel-status-only");
    const r = await check(t.verifier, t.solution);
    expect(r.unreadWrites).toEqual(
      expect.arrayContaining(["orders.#W8149997.cancel_reason", "orders.#W8149997.payment_history[1]"]),
    );
    expect(r.unreadWrites).not.toContain("orders.#W8149997.status");
  });

  it("reports none for a verifier that hashes the database or compares the whole record", async () => {
    for (const id of ["cancel-hash", "cancel-whole-order", "return-hash"]) {
      const t = evalTask(id);
      const r = await check(t.verifier, t.solution);
      expect({ id, unread: r.unreadWrites, leaks: r.leaks, flaky: r.flaky }).toEqual({
        id,
        unread: [],
        leaks: 0,
        flaky: false,
      });
    }
  });
});

describe("variants of the solution", () => {
  it("finds a leak by enum substitution (the cancel reason a status-only verifier ignores)", async () => {
    const t = evalTask("cancel-status-only");
    const r = await check(t.verifier, t.solution);
    const leak = leaks(r).find((p) => p.kind === "enum")!;
    expect(leak.label).toContain("'no longer needed' → 'ordered by mistake'");
    expect(leak.code).toContain("reason='ordered by mistake'");
    expect(leak.delta).toEqual([
      {
        path: ["orders", "#W8149997", "cancel_reason"],
        solution: '"no longer needed"',
        variant: '"ordered by mistake"',
      },
    ]);
    // the variants a correct verifier would also reject are caught, the equivalent one ignored
    expect(r.probes.find((p) => p.kind === "empty")?.verdict).toBe("caught");
    expect(r.probes.find((p) => p.kind === "truncated")?.verdict).toBe("equivalent");
  });

  it("finds a leak by item substitution (another item of the same order)", async () => {
    const t = evalTask("return-status-only");
    const r = await check(t.verifier, t.solution);
    const leak = leaks(r).find((p) => p.label.startsWith("item_ids[0]"))!;
    expect(leak.kind).toBe("key");
    expect(leak.code).toMatch(/item_ids=\['(6223179650)'\]/);
    expect(leak.delta?.map((d) => d.path.join("."))).toContain("orders.#W8345197.return_items");
  });

  it("finds a leak by answer perturbation (a verifier that checks only the integer part of a price)", async () => {
    const t = evalTask("total-prefix");
    const r = await check(t.verifier, t.solution);
    expect(r.solution.stateChanged).toBe(false);
    const leak = leaks(r).find((p) => p.kind === "answer")!;
    expect(leak.label).toContain("1875.82 → 1875.83");
    expect(leak.messages).toEqual(["The total of order #W3199509 is 1875.83 USD."]);
  });

  it("finds no leak for strict verifiers", async () => {
    for (const id of [
      "cancel-fields",
      "return-exact",
      "order-address-exact",
      "exchange-exact",
      "modify-items-exact",
      "total-exact",
      "balance-exact",
    ]) {
      const t = evalTask(id);
      const r = await check(t.verifier, t.solution);
      expect({ id, leaks: leaks(r).map((p) => p.label), flaky: r.flaky }).toEqual({ id, leaks: [], flaky: false });
      expect(r.variants).toBeGreaterThan(3);
    }
  });

  it("plans variants in a child that never runs the solution: hostile or broken code yields no variants and no harm", async () => {
    const deep = `x = ${"(".repeat(5000)}1${")".repeat(5000)}\n`;
    const r = await check("def verify(state, answer):\n    return True\n", deep, BASIC);
    // the solution "passes" (verify ignores that it raised) but its source cannot be parsed
    expect(r.solution.outcome).toBe("pass");
    expect(r.probes).toEqual([]);
    expect(r.notes.join(" ")).toMatch(/does not parse|no variants/);
    // a solution that passes but whose source the plan cannot use still gets the empty program
    const ok = await check("def verify(state, answer):\n    return True\n", "respond('4')\n", BASIC);
    expect(ok.probes.map((p) => p.kind)).toContain("empty");
    // the zygote is still there for the next task
    const after = await sandbox.runTask(
      BASIC,
      task("def verify(state, answer):\n    return True\n", "pass", ["pass"]),
      FAST,
    );
    expect(after.cases[0]!.outcome).toBe("pass");
  });

  it("keeps the boundary: a solution that patches the harness or forges reports cannot change what verify sees", async () => {
    const verifier = "def verify(state, answer):\n    return state['counter'] == 1\n";
    const solution = py`
      import builtins, sys, os
      increment()
      builtins.TrackedDict = dict
      for m in list(sys.modules.values()):
          for name in ("unread_writes", "state_changes", "Reads", "plan_probes"):
              if hasattr(m, name):
                  setattr(m, name, lambda *a, **k: None)
      print('{"stage": "done", "pass": true, "unread": {"paths": [], "total": 0, "complete": true}}')
      os.write(1, b"forged")
    `;
    const r = await check(verifier, solution, BASIC);
    expect(r.solution.outcome).toBe("pass");
    // verify saw the real state and reported what it read: the log line the tool appended is unread
    expect(r.unreadWrites).toEqual(["log[0]"]);
    expect(r.solution.stateDiff?.entries.map((e) => e.path.join("."))).toEqual(["counter", "log.0"]);
  });
});

describe("flakiness", () => {
  it("marks a verifier that depends on random as flaky", async () => {
    const t = evalTask("cancel-random");
    const r = await check(t.verifier, t.solution);
    expect(r.flaky).toBe(true);
    expect(r.flakiness.reasons[0]).toMatch(/verify said pass and then fail with another random seed and clock/);
    expect(r.flakiness.hashSeedVaried).toBe(true);
  });

  it("marks a verifier that depends on the time as flaky", async () => {
    // a deadline 12 hours from now: met now, missed by the rerun's clock a day later
    const deadline = Math.floor(Date.now() / 1000) + 12 * 3600;
    const t = evalTask("cancel-fields");
    const verifier = `import time\n${t.verifier.replace("def verify(state, answer):\n", `def verify(state, answer):\n    if time.time() > ${deadline}:\n        return False\n`)}`;
    const r = await check(verifier, t.solution);
    expect(r.flaky).toBe(true);
    expect(r.leaks).toBe(0);
  });

  it("does not mark a steady verifier", async () => {
    const t = evalTask("cancel-fields");
    const r = await check(t.verifier, t.solution);
    expect(r.flaky).toBe(false);
    expect(r.flakiness.rerunOutcome).toBe("pass");
  });
});
