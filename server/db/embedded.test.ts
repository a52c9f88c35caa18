// The embedded server: starts in an empty directory, is shared by a second process instead of
// failing on a locked data directory, and keeps its data across restarts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-embedded-"));
fs.chmodSync(dir, 0o755);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("startEmbeddedPostgres", () => {
  it("initialises, shares a running server, and persists data across restarts", async () => {
    const first = await startEmbeddedPostgres(dir);
    expect(first.owned).toBe(true);
    await query(first.url, "create table kept (v text); insert into kept values ('still here')");

    // A second process (here: a second call) finds the running server through postmaster.pid.
    const second = await startEmbeddedPostgres(dir);
    expect(second.owned).toBe(false);
    expect(new URL(second.url).port).toBe(new URL(first.url).port);
    expect(await query(second.url, "select v from kept")).toEqual([{ v: "still here" }]);

    await first.stop();
    const restarted = await startEmbeddedPostgres(dir);
    expect(restarted.owned).toBe(true);
    expect(await query(restarted.url, "select v from kept")).toEqual([{ v: "still here" }]);
    // The server is reachable on loopback only.
    expect(await query(restarted.url, "show listen_addresses")).toEqual([{ listen_addresses: "127.0.0.1" }]);
    await restarted.stop();
    expect(fs.existsSync(path.join(dir, "postgres", "postmaster.pid"))).toBe(false);
  });
});
