// The embedded PostgreSQL killed under a live connection pool: queries fail as "database
// unavailable" (not as internal errors), the server is restarted on the same port, and the same
// pool works again without restarting the app.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./availability";
import { openDb, type Db } from "./client";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";

let dir: string | undefined;
let db: Db | undefined;
let server: EmbeddedPostgres | undefined;

afterAll(async () => {
  await db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("an embedded database that dies", () => {
  it("is reported as unavailable, then restarted and reconnected", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-pg-death-"));
    fs.chmodSync(dir, 0o755);
    server = await startEmbeddedPostgres(dir);
    db = await openDb(server.url, { embedded: server });
    await db.prisma.$queryRaw`select 1`;
    const pid = Number(fs.readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");

    let sawUnavailable = false;
    let other: unknown;
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        await db.prisma.$queryRaw`select 1`;
        if (sawUnavailable) break;
      } catch (err) {
        if (isDatabaseUnavailable(err)) sawUnavailable = true;
        else other = err;
      }
      if (Date.now() > until) throw new Error("the database did not come back within 60 s");
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(other).toBeUndefined();
    expect(sawUnavailable).toBe(true);
    const newPid = Number(fs.readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    expect(newPid).not.toBe(pid);
    expect(await db.prisma.user.count()).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
