import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["server/**/*.test.ts", "lib/**/*.test.ts"],
    globalSetup: ["server/db/test-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run two at a time, each against its own fresh database.
    maxWorkers: 2,
  },
});
