// Shared by the sandbox test files: fixture packs and small builders.
import { fileURLToPath } from "node:url";
import type { PackRef, TaskCode } from "./index";

export const BASIC: PackRef = {
  dir: fileURLToPath(new URL("./fixtures/basic", import.meta.url)),
  hash: "fixture-basic",
};
export const WRAPPED: PackRef = {
  dir: fileURLToPath(new URL("./fixtures/wrapped", import.meta.url)),
  hash: "fixture-wrapped",
};

/** Python source from an indented template literal. */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = raw.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

export function task(verifier: string, solution: string, failureCases: string[]): TaskCode {
  return { verifier, solution, failureCases };
}

/** A verifier that passes iff the counter equals n. */
export const counterIs = (n: number) => `def verify(state, answer):\n    return state["counter"] == ${n}\n`;

export const FAST = { timeoutMs: 3_000 };
