// State paths as a reviewer writes them in a verifier: `orders['#W1']['cancel_reason']`, `items[0]`.
import type { StateChange, StateDiff } from "@/server/sandbox/types";

export type StatePath = Array<string | number>;

const quote = (k: string) => `'${k.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
const key = (k: string | number) => (typeof k === "number" ? `[${k}]` : `[${quote(k)}]`);

/** `["orders", "#W1", "items", 0]` → `orders['#W1']['items'][0]`. */
export function pythonPath(path: StatePath): string {
  if (!path.length) return "state";
  const [first, ...rest] = path;
  return `${typeof first === "string" ? first : `[${first}]`}${rest.map(key).join("")}`;
}

/**
 * The dotted form the server reports unread writes in (`orders.#W1.items[0].price`) back to its
 * keys. A key with a dot in it cannot be told apart from two keys: it reads as two.
 */
export function parseDotted(dotted: string): StatePath {
  const path: StatePath = [];
  for (const part of dotted.split(".")) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(part);
    const name = m?.[1] ?? part;
    if (name) path.push(name);
    for (const idx of (m?.[2] ?? "").matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  return path;
}

export const pathKey = (path: StatePath) => JSON.stringify(path);

/**
 * Which of a case's changes the solution did not make the same way (another value, or a path the
 * solution did not touch), and which of the solution's changes the case lacks: what a reviewer
 * compares when a failure case sits beside the solution.
 */
export function differingChanges(mine: StateDiff | null, other: StateDiff | null): Set<string> {
  const theirs = new Map((other?.entries ?? []).map((e) => [pathKey(e.path), e]));
  const same = (a: StateChange, b: StateChange | undefined) => !!b && a.op === b.op && a.after === b.after;
  return new Set(
    (mine?.entries ?? []).filter((e) => !same(e, theirs.get(pathKey(e.path)))).map((e) => pathKey(e.path)),
  );
}

/** The solution's changes the case did not make (only when neither diff was cut: else it cannot be told). */
export function missingChanges(mine: StateDiff | null, solution: StateDiff | null): StateChange[] {
  if (!mine || !solution || mine.more > 0 || solution.more > 0) return [];
  const have = new Set(mine.entries.map((e) => pathKey(e.path)));
  return solution.entries.filter((e) => !have.has(pathKey(e.path)));
}
