// The production server while its embedded PostgreSQL is killed: every answer in the gap is a 503
// that says "database unavailable" (the health check says so too), never a masked 500, and the
// server recovers without being restarted.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rawRequest, startAppServer, type AppServer } from "../testing/app-server";

let dir: string;
let app: AppServer | undefined;

afterAll(async () => {
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the embedded database dies under a running server", () => {
  it("answers 503 'database unavailable' until it is back, then serves again", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-outage-"));
    fs.chmodSync(dir, 0o755);
    const { DATABASE_URL: _, ...withoutDatabaseUrl } = process.env;
    // A viewer and their token, made by the CLI on the data directory before the server starts.
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], {
        encoding: "utf8",
        env: { ...withoutDatabaseUrl, CAT_DATA_DIR: dir, NODE_OPTIONS: "" },
        timeout: 120_000,
      });
      return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { token?: string };
    };
    cli("user", "add", "--email", "watcher@lab.example", "--role", "viewer");
    const headers = { authorization: `Bearer ${cli("token", "create", "--user", "watcher@lab.example").token}` };
    app = await startAppServer({ CAT_DATA_DIR: dir });
    const list = `/api/trpc/task.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;
    expect((await rawRequest(app.port, { path: list, headers })).status).toBe(200);

    const pid = Number(fs.readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");
    const seen: Array<{ path: string; status: number; body: string }> = [];
    const until = Date.now() + 60_000;
    for (;;) {
      const [h, l] = await Promise.all([
        rawRequest(app.port, { path: "/api/health" }),
        rawRequest(app.port, { path: list, headers }),
      ]);
      seen.push({ path: "health", status: h.status, body: h.body }, { path: "list", status: l.status, body: l.body });
      if (h.status === 200 && l.status === 200 && seen.some((s) => s.status === 503)) break;
      if (Date.now() > until)
        throw new Error(`no recovery within 60 s: ${JSON.stringify(seen.slice(-4))}\n${app.log()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
    const healthDown = seen.find((s) => s.path === "health" && s.status === 503);
    expect(JSON.parse(healthDown!.body)).toMatchObject({ ok: false, database: "unavailable" });
    const listDown = seen.find((s) => s.path === "list" && s.status === 503);
    if (listDown) expect(listDown.body).toMatch(/database is unavailable/);
  }, 150_000);
});
