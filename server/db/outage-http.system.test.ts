// The production server while its embedded PostgreSQL is killed: every answer in the gap is a 503
// that says "database unavailable" (the health check says so too), never a masked 500, and the
// server recovers without being restarted.
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
    app = await startAppServer({ CAT_DATA_DIR: dir });
    const list = `/api/trpc/task.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;
    expect((await rawRequest(app.port, { path: list })).status).toBe(200);

    const pid = Number(fs.readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");
    const seen: Array<{ path: string; status: number; body: string }> = [];
    const until = Date.now() + 60_000;
    for (;;) {
      const [h, l] = await Promise.all([rawRequest(app.port, { path: "/api/health" }), rawRequest(app.port, { path: list })]);
      seen.push({ path: "health", status: h.status, body: h.body }, { path: "list", status: l.status, body: l.body });
      if (h.status === 200 && l.status === 200 && seen.some((s) => s.status === 503)) break;
      if (Date.now() > until) throw new Error(`no recovery within 60 s: ${JSON.stringify(seen.slice(-4))}\n${app.log()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
    const healthDown = seen.find((s) => s.path === "health" && s.status === 503);
    expect(JSON.parse(healthDown!.body)).toMatchObject({ ok: false, database: "unavailable" });
    const listDown = seen.find((s) => s.path === "list" && s.status === 503);
    if (listDown) expect(listDown.body).toMatch(/database is unavailable/);
  }, 150_000);
});
