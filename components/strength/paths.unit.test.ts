import { describe, expect, it } from "vitest";
import { differingChanges, missingChanges, parseDotted, pythonPath } from "./paths";

describe("pythonPath", () => {
  it("writes keys as subscripts and list indexes as numbers", () => {
    expect(pythonPath(["orders", "#W1", "items", 0, "price"])).toBe("orders['#W1']['items'][0]['price']");
    expect(pythonPath(["human_transfers", 2])).toBe("human_transfers[2]");
    expect(pythonPath([])).toBe("state");
  });
});

describe("parseDotted", () => {
  it("reads back what the server's dotted paths name", () => {
    expect(parseDotted("orders.#W1.cancel_reason")).toEqual(["orders", "#W1", "cancel_reason"]);
    expect(parseDotted("orders.#W1.items[0].price")).toEqual(["orders", "#W1", "items", 0, "price"]);
    expect(parseDotted("log[2][1]")).toEqual(["log", 2, 1]);
  });
});

describe("comparing a case's diff with the solution's", () => {
  const solution = {
    entries: [
      { path: ["orders", "#W1", "status"], op: "changed" as const, before: '"pending"', after: '"cancelled"' },
      { path: ["orders", "#W1", "cancel_reason"], op: "added" as const, after: '"no longer needed"' },
    ],
    more: 0,
  };
  const variant = {
    entries: [
      { path: ["orders", "#W1", "status"], op: "changed" as const, before: '"pending"', after: '"cancelled"' },
      { path: ["orders", "#W1", "cancel_reason"], op: "added" as const, after: '"ordered by mistake"' },
    ],
    more: 0,
  };
  it("marks the changes made another way, not the ones made the same way", () => {
    expect([...differingChanges(variant, solution)]).toEqual([JSON.stringify(["orders", "#W1", "cancel_reason"])]);
    expect(differingChanges(solution, solution).size).toBe(0);
  });
  it("lists what the solution changed and the case did not, unless a diff was cut", () => {
    const none = { entries: [], more: 0 };
    expect(missingChanges(none, solution).map((e) => e.path[2])).toEqual(["status", "cancel_reason"]);
    expect(missingChanges({ entries: [], more: 3 }, solution)).toEqual([]);
  });
});
