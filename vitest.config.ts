import path from "node:path";
import { defineConfig } from "vitest/config";

// Three layers, run in this order by `npm test`:
// - unit: pure functions, no database, no sandbox, no server (*.unit.test.ts) — seconds;
// - integration: services against a real embedded PostgreSQL (a fresh database per file) and the
//   real sandbox (server/**/*.test.ts);
// - system: real processes — the CLI, worker and web-server fault tests, HTTP tests against the
//   production build (*.system.test.ts); `npm test` rebuilds first when the build is stale.
const DB = ["server/db/test-global-setup.ts"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run two at a time, each against its own fresh database.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["{server,lib,components}/**/*.unit.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{server,lib}/**/*.test.ts"],
          exclude: ["**/*.unit.test.ts", "**/*.system.test.ts", "**/node_modules/**"],
          globalSetup: DB,
        },
      },
      { extends: true, test: { name: "system", include: ["server/**/*.system.test.ts"], globalSetup: DB } },
    ],
  },
});
