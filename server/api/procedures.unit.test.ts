// Every procedure is built from a role builder (the UI hiding a button is never the check), and only
// the sign-in page's two are public.
import { describe, expect, it } from "vitest";
import { appRouter } from "./root";
import type { ProcedureMeta } from "./trpc";

const procedures = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, { _def: { meta?: ProcedureMeta; type: string } }> } })
    ._def.procedures,
);

describe("procedures", () => {
  it("each declares the role it needs", () => {
    expect(procedures.length).toBeGreaterThan(40);
    expect(procedures.filter(([, p]) => !p._def.meta?.access).map(([name]) => name)).toEqual([]);
    expect(
      procedures
        .filter(([, p]) => p._def.meta?.access === "public")
        .map(([name]) => name)
        .sort(),
    ).toEqual(["account.setup", "account.status"]);
  });

  it("no mutation is open to a mere viewer except their own tokens", () => {
    const viewerWrites = procedures
      .filter(([, p]) => p._def.type === "mutation" && p._def.meta?.access === "viewer")
      .map(([name]) => name);
    expect(viewerWrites.sort()).toEqual(["account.createToken", "account.revokeToken"]);
  });
});
