// Every /api route handler runs the request guard (proxy.ts leaves /api out so uploads can stream):
// a route added without guarded() fails here rather than shipping without Host and Origin checks.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

describe("every /api route is guarded", () => {
  const files = routeFiles("app/api");
  it("finds the routes", () => expect(files.length).toBeGreaterThanOrEqual(8));
  for (const file of files) {
    it(file, () => {
      const src = fs.readFileSync(file, "utf8");
      const exported: string[] = [];
      for (const m of src.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g)) exported.push(m[1]!);
      expect(
        exported.filter((n) => METHODS.includes(n)),
        "handlers exported as plain functions",
      ).toEqual([]);
      const consts = [...src.matchAll(/export\s+const\s+(\w+)\s*=\s*([^;\n]+)/g)].filter((m) =>
        METHODS.includes(m[1]!),
      );
      for (const m of consts) expect(m[2], m[1]).toMatch(/^guarded\(/);
      const reexports = [...src.matchAll(/export\s*\{([^}]+)\}/g)].flatMap((m) =>
        m[1]!.split(",").map((s) => s.trim().split(/\s+as\s+/)),
      );
      for (const [local, name] of reexports) {
        if (!METHODS.includes(name ?? local!)) continue;
        expect(src, `${local} must be guarded`).toMatch(new RegExp(`const\\s+${local}\\s*=\\s*guarded\\(`));
      }
      expect(
        consts.length + reexports.filter(([l, n]) => METHODS.includes(n ?? l!)).length,
        "at least one handler",
      ).toBeGreaterThan(0);
    });
  }
});
