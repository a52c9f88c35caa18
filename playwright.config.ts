import { defineConfig } from "@playwright/test";
import { ADMIN_STATE } from "./e2e/auth";

const PORT = 3211;
const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  // The multi-user flows (two people saving at once, the role walk-through) took 49–55 s in one run
  // on a VM where forks and page faults cost ten times more (the sandbox's work slows the browser
  // and the server beside it), and over a minute in the next: a minute was a coin toss there.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  // The administrator is created and signed in once; every test (and its API calls) starts signed in.
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL,
    storageState: ADMIN_STATE,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser downloads are not reachable from every machine.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      ],
    },
  },
  webServer: {
    command: `npx tsx scripts/e2e-server.ts ${PORT}`,
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    // SIGTERM (not Playwright's default SIGKILL) so the server stops its embedded database.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
