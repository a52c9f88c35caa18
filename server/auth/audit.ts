// The audit log: one row per change made through the API, with the acting user. Secrets never reach
// it (fields named like a password or a token are dropped) and large inputs (task code) are cut
// down to a bounded summary.
import type { Db } from "../db/client";
import type { Actor } from "./roles";

const SECRET_KEY = /password|token|secret/i;
const MAX_STRING = 200;
const MAX_ARRAY = 50;
const MAX_JSON = 4000;

function summarizeInput(input: unknown, depth = 0): unknown {
  if (typeof input === "string")
    return input.length > MAX_STRING ? `${input.slice(0, MAX_STRING)}… (${input.length} characters)` : input;
  if (input === null || typeof input !== "object") return input ?? null;
  if (depth > 4) return "…";
  if (Array.isArray(input)) {
    const items = input.slice(0, MAX_ARRAY).map((v) => summarizeInput(v, depth + 1));
    return input.length > MAX_ARRAY ? [...items, `… (${input.length} items)`] : items;
  }
  if (input instanceof Date) return input.toISOString();
  return Object.fromEntries(
    Object.entries(input as Record<string, unknown>)
      .filter(([k]) => !SECRET_KEY.test(k))
      .map(([k, v]) => [k, summarizeInput(v, depth + 1)]),
  );
}

export async function recordAudit(db: Db, actor: Actor, operation: string, input: unknown): Promise<void> {
  let summary = summarizeInput(input);
  if (JSON.stringify(summary ?? null).length > MAX_JSON)
    summary = { truncated: true, keys: input && typeof input === "object" ? Object.keys(input) : [] };
  await db.prisma.auditEvent
    .create({
      data: { userId: actor.id, via: actor.via, operation, input: summary === null ? undefined : (summary as object) },
    })
    // The change itself is done: a failed log write is reported, not turned into a failed request.
    .catch((err: unknown) => console.error(`[audit] ${operation}:`, (err as Error).message));
}
