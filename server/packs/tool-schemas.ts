// A pack's TOOL_SCHEMAS come from the pack's own code, through the sandbox: untrusted. One whose
// `description` was an object once broke the Environments page for everyone (React error #31). They
// are checked here when a pack is registered, and turned into plain strings before any page sees
// them (packs stored before the check included).
import { z } from "zod";
import { LIMITS } from "@/lib/cat";
import { AppError } from "../errors";

const TOOL_SCHEMA_LIMITS = { count: 1000, nameChars: 200, descriptionChars: 20_000 } as const;

/** Whether a JSON value nests at most `limit` levels (an object or array is one level), without recursion. */
function nestsWithin(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) return false;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

const typeName = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;

const jsonObject = z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  error: (i) => `must be a JSON object, not ${typeName(i.input)}`,
});

const functionDescription = z.looseObject({
  name: z
    .string({ error: (i) => (i.input === undefined ? "is required" : `must be a string, not ${typeName(i.input)}`) })
    .min(1, "must not be empty")
    .max(TOOL_SCHEMA_LIMITS.nameChars, `is longer than ${TOOL_SCHEMA_LIMITS.nameChars} characters`),
  description: z
    .string({ error: (i) => `must be a string when present, not ${typeName(i.input)}` })
    .max(TOOL_SCHEMA_LIMITS.descriptionChars, `is longer than ${TOOL_SCHEMA_LIMITS.descriptionChars} characters`)
    .optional(),
  parameters: jsonObject
    .refine((v) => nestsWithin(v, LIMITS.jsonDepth), `is nested deeper than ${LIMITS.jsonDepth} levels`)
    .optional(),
});

const wrappedDescription = z.looseObject({
  type: z.literal("function"),
  function: z.unknown().superRefine((v, ctx) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      ctx.addIssue({ code: "custom", message: `must be an object, not ${typeName(v)}` });
      return;
    }
    const inner = functionDescription.safeParse(v);
    if (!inner.success)
      for (const issue of inner.error.issues)
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  }),
});

export type ToolSchema = z.infer<typeof functionDescription> | z.infer<typeof wrappedDescription>;

function pathText(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

/**
 * Checks what the sandbox read from TOOL_SCHEMAS: a list whose entries are each either
 * {name, description?, parameters?} or {type: "function", function: {…}} (the common
 * function-calling forms). Throws BAD_INPUT naming the entry and field; returns the list unchanged.
 */
export function checkToolSchemas(value: unknown): ToolSchema[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value))
    throw new AppError(
      "BAD_INPUT",
      `The pack's TOOL_SCHEMAS must be a list of function descriptions, not ${typeName(value)}.`,
    );
  if (value.length > TOOL_SCHEMA_LIMITS.count)
    throw new AppError(
      "BAD_INPUT",
      `The pack's TOOL_SCHEMAS has ${value.length} entries, over the limit of ${TOOL_SCHEMA_LIMITS.count}.`,
    );
  value.forEach((entry, i) => {
    const where = `TOOL_SCHEMAS[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new AppError(
        "BAD_INPUT",
        `The pack's ${where} must be an object ({"name", "description", "parameters"} or {"type": "function", "function": {…}}), not ${typeName(entry)}.`,
      );
    }
    const wrapped = "function" in entry || (entry as { type?: unknown }).type === "function";
    const parsed = (wrapped ? wrappedDescription : functionDescription).safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError("BAD_INPUT", `The pack's ${where}${pathText(issue.path)} ${issue.message}.`);
    }
  });
  return value as ToolSchema[];
}

/** One tool as the Environments page shows it: strings only, whatever the stored schema holds. */
export interface ToolView {
  name: string;
  description: string | null;
  parameters: Array<{ name: string; type: string; required: boolean; description: string | null }>;
  /** The entry as JSON text when its shape is not understood (a pack stored before the check). */
  raw: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function jsonText(v: unknown, max = 2000): string {
  try {
    const text = JSON.stringify(v) ?? String(v);
    return text.length > max ? `${text.slice(0, max)}…` : text;
  } catch {
    return "(not displayable)"; // too deep to serialise, for one
  }
}

function typeText(t: unknown): string {
  if (typeof t === "string") return t;
  if (Array.isArray(t) && t.every((x) => typeof x === "string")) return t.join(" | ");
  return t === undefined ? "any" : jsonText(t, 200);
}

/** Turns stored TOOL_SCHEMAS (checked or not) into ToolViews; never throws. */
export function describeToolSchemas(stored: unknown): ToolView[] | null {
  if (!Array.isArray(stored))
    return stored === null || stored === undefined
      ? null
      : [{ name: "TOOL_SCHEMAS", description: null, parameters: [], raw: jsonText(stored) }];
  return stored.map((entry, i): ToolView => {
    const e = entry as Record<string, unknown> | null;
    const fn = (
      e && typeof e === "object" && e.type === "function" && typeof e.function === "object" && e.function
        ? e.function
        : e
    ) as Record<string, unknown> | null;
    const name = fn && typeof fn === "object" ? str(fn.name) : null;
    if (!fn || name === null || (fn.description !== undefined && typeof fn.description !== "string")) {
      return { name: name ?? `entry ${i}`, description: null, parameters: [], raw: jsonText(entry) };
    }
    const params =
      fn.parameters && typeof fn.parameters === "object" && !Array.isArray(fn.parameters)
        ? (fn.parameters as Record<string, unknown>)
        : {};
    const props =
      params.properties && typeof params.properties === "object" && !Array.isArray(params.properties)
        ? (params.properties as Record<string, unknown>)
        : {};
    const required = Array.isArray(params.required)
      ? params.required.filter((r): r is string => typeof r === "string")
      : [];
    return {
      name,
      description: str(fn.description),
      parameters: Object.entries(props).map(([key, spec]) => {
        const s = spec && typeof spec === "object" ? (spec as Record<string, unknown>) : {};
        return { name: key, type: typeText(s.type), required: required.includes(key), description: str(s.description) };
      }),
      raw: null,
    };
  });
}
