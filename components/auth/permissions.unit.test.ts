// The UI's role table against the server's rule: a button the UI shows must be one the server
// allows, and one it hides must be one the server refuses.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import type { ProcedureMeta } from "@/server/api/trpc";
import { ROLES } from "@/server/auth/roles";
import { ACTIONS, type Action, roleCan } from "./permissions";

const procedures = (
  appRouter as unknown as { _def: { procedures: Record<string, { _def: { meta?: ProcedureMeta } }> } }
)._def.procedures;

describe("roleCan", () => {
  it("lets each role do what its own and every lower role may, and nothing above", () => {
    expect(roleCan(ROLES, "viewer", "edit")).toBe(false);
    expect(roleCan(ROLES, "viewer", "review")).toBe(false);
    expect(roleCan(ROLES, "reviewer", "review")).toBe(true);
    expect(roleCan(ROLES, "reviewer", "try")).toBe(true);
    expect(roleCan(ROLES, "reviewer", "edit")).toBe(false);
    expect(roleCan(ROLES, "curator", "edit")).toBe(true);
    expect(roleCan(ROLES, "reviewer", "checkStrength")).toBe(false);
    expect(roleCan(ROLES, "curator", "checkStrength")).toBe(true);
    expect(roleCan(ROLES, "curator", "review")).toBe(true);
    expect(roleCan(ROLES, "curator", "uploadPack")).toBe(false);
    expect(roleCan(ROLES, "admin", "uploadPack")).toBe(true);
    expect(roleCan(ROLES, "admin", "edit")).toBe(true);
  });

  it("allows nothing without a role or before the roles are known", () => {
    expect(roleCan(ROLES, null, "comment")).toBe(false);
    expect(roleCan(ROLES, undefined, "comment")).toBe(false);
    expect(roleCan([], "admin", "comment")).toBe(false);
  });
});

describe("ACTIONS", () => {
  const rules = Object.entries(ACTIONS) as Array<[Action, (typeof ACTIONS)[Action]]>;

  it("names for each action the role its procedures need", () => {
    const mismatches = rules.flatMap(([action, rule]) =>
      ("procedures" in rule ? rule.procedures : []).flatMap((name) => {
        const access = procedures[name]?._def.meta?.access;
        return access === rule.role ? [] : [`${action}: ${name} needs ${access ?? "(no such procedure)"}`];
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it("names for each file route the role it authorizes", () => {
    for (const [action, rule] of rules) {
      if (!("route" in rule)) continue;
      const source = fs.readFileSync(path.join(import.meta.dirname, "../..", rule.route), "utf8");
      expect(source, action).toContain(`authorize(req, "${rule.role}")`);
    }
  });
});
