import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInAdmin } from "./auth";
import { catTask, runFilter, uniqueToken } from "./helpers";

test("first start: the demo tasks get their verdicts without a click", async ({ page }) => {
  // The server queued the filter over the demo when it first started; the list shows it arriving.
  test.setTimeout(300_000);
  await page.goto("/tasks?batch=demo");
  await expect(page.getByTestId("task-count")).toHaveText("200 tasks");
  const verdict = page.getByLabel("Verdict", { exact: true });
  await expect(verdict.locator("option[value=pending]")).toHaveText("pending (0)", { timeout: 240_000 });
  await expect(verdict.locator("option[value=accepted]")).not.toHaveText("accepted (0)");
  await expect(verdict.locator("option[value=rejected]")).not.toHaveText("rejected (0)");
  await expect(page.getByTestId("task-table")).toContainText("accepted");
  await expect(page.getByTestId("task-table")).toContainText("rejected");
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Stops a server started below and the embedded database it started, then removes its data. */
async function stop(server: ChildProcess, dataDir: string) {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  }
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    if (pid) process.kill(pid, "SIGINT");
  } catch {
    /* already stopped */
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

test("a server that cannot run the sandbox says what to install on every page, and its runs stay queued", async ({
  page,
  playwright,
}) => {
  test.setTimeout(300_000);
  // A second production server (the build the e2e server uses) whose sandbox cannot start for real:
  // its interpreter does not exist (server/sandbox/availability.ts).
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-e2e-nosandbox-"));
  fs.chmodSync(dataDir, 0o755); // the embedded server may run as the unprivileged postgres user
  const log: string[] = [];
  const server = spawn(
    process.execPath,
    [
      path.join("node_modules", "next", "dist", "bin", "next"),
      "start",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        CAT_DATA_DIR: dataDir,
        CAT_PYTHON: "/nonexistent/python3",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  server.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  server.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await expect
      .poll(
        async () => {
          if (server.exitCode !== null) throw new Error(`the second server exited:\n${log.join("")}`);
          return fetch(`${base}/api/health`).then(
            (r) => r.status,
            () => 0,
          );
        },
        { timeout: 240_000, message: "the second server starts" },
      )
      .toBe(200);

    // Its own administrator and session (cookies do not tell ports apart: this replaces the e2e one).
    const request = await playwright.request.newContext({ storageState: { cookies: [], origins: [] } });
    await signInAdmin(request, base);
    await page.context().clearCookies();
    await page.context().addCookies((await request.storageState()).cookies);

    // A task imported and sent to the filter gets a queued run that nothing can take.
    const batch = uniqueToken("e2e-nosandbox-");
    const imported = await request.post(`${base}/api/import?batch=${batch}&fileName=${batch}.jsonl`, {
      data: Buffer.from(JSON.stringify(catTask(uniqueToken("nosb-"), "Say done.")) + "\n"),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(imported.ok()).toBe(true);
    const { rerunId } = await runFilter(request, { batch }, base);

    for (const where of ["/tasks", "/datasets", "/stats"]) {
      await page.goto(`${base}${where}`);
      const banner = page.getByRole("region", { name: "Sandbox unavailable" });
      await expect(banner).toContainText("/nonexistent/python3");
      await expect(banner).toContainText("sudo apt-get install -y python3");
      await expect(banner).toContainText("Filter runs stay queued");
    }
    await page.goto(`${base}/tasks?batch=${batch}`);
    await expect(page.getByTestId("rerun-progress")).toContainText("0/1 tasks");
    await expect(page.getByTestId("rerun-progress")).not.toContainText("could not run");

    // Queued, not failed: every run of the import's rerun (and the demo's, if the demo loaded).
    const res = await request.get(`${base}/api/v1/reruns/${rerunId}`);
    const body = (await res.json()) as { taskCount: number; runs: { queued: number; failed: number; running: number } };
    expect(body.runs).toMatchObject({ queued: body.taskCount, failed: 0, running: 0 });
  } finally {
    await stop(server, dataDir);
  }
});
