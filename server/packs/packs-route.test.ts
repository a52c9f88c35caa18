// POST /api/packs through its real handler (guard included): uploads stream to a temp file and stop at
// the limit, bombs are refused with 413 leaving nothing behind, and a second pack under a taken name
// needs newVersion=1.
import fs from "node:fs";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/packs/route";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";
import { buildZip, deflatedZeros } from "./archive-bombs";
import { packTempRoot } from "./pack-temp";
import { tokenFor } from "../testing/fixtures";
import { PACK_LIMITS } from "./register-pack";

const MB = 1024 * 1024;
let db: Db;
/** Packs are the administrator's (their code runs on this machine). */
let admin: Record<string, string>;
const g = globalThis as unknown as { catDb?: Promise<Db> };

beforeAll(async () => {
  db = await createTestDb();
  g.catDb = Promise.resolve(db); // the route's getDb()
  admin = (await tokenFor(db, "admin")).headers;
});
afterAll(async () => {
  g.catDb = undefined;
  await db.close();
});

const url = (query: Record<string, string>) => `http://localhost:3000/api/packs?${new URLSearchParams(query)}`;
const post = (
  query: Record<string, string>,
  body: BodyInit | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) =>
  POST(
    new Request(url(query), {
      method: "POST",
      body,
      headers: { host: "localhost:3000", ...admin, ...headers },
      duplex: "half",
    } as RequestInit),
    undefined as never,
  );

const leftovers = () => fs.readdirSync(packTempRoot());
const envPy = (extra = "") =>
  strToU8(`TOOLS = {"ping": lambda state: "pong"}\ndef load_state():\n    return {}\n${extra}`);

describe("POST /api/packs", () => {
  it("is the administrator's: 401 without a token, 403 for a curator, before reading the body", async () => {
    const zip = zipSync({ "env.py": envPy() });
    expect((await post({ name: "anon" }, zip, { authorization: "" })).status).toBe(401);
    const curator = (await tokenFor(db, "curator")).headers;
    expect((await post({ name: "cur" }, zip, curator)).status).toBe(403);
    expect(await db.prisma.environment.count()).toBe(0);
  });

  it("stops reading a chunked body without Content-Length at the limit: 413, nothing kept, memory flat", async () => {
    const chunk = new Uint8Array(MB).fill(7);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // The same chunk each time: the test itself holds no more than 1 MiB.
        if (sent > PACK_LIMITS.bytes + 50 * MB) controller.close();
        else {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
    });
    const rss = process.memoryUsage().rss;
    let peak = rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const res = await post({ name: "big", fileName: "big.zip" }, body);
    clearInterval(timer);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^The archive is over 209715200 bytes/,
    );
    // It stopped reading at the limit rather than draining the body.
    expect(sent).toBeLessThan(PACK_LIMITS.bytes + 4 * MB);
    console.log(`chunked upload: read ${(sent / MB).toFixed(0)} MB, rss growth ${((peak - rss) / MB).toFixed(0)} MB`);
    expect(peak - rss).toBeLessThan(80 * MB);
    expect(leftovers()).toEqual([]);
    expect(await db.prisma.environment.count()).toBe(0);
  });

  it("refuses a declared Content-Length over the limit before reading, and a zip bomb while unpacking", async () => {
    const declared = await post({ name: "big" }, "x", { "content-length": String(PACK_LIMITS.bytes + 1) });
    expect(declared.status).toBe(413);

    const bomb = buildZip([
      { name: "env.py", data: Buffer.from(envPy()) },
      { name: "zeros.bin", deflated: await deflatedZeros(1024), declaredSize: 10 },
    ]);
    const rss = process.memoryUsage().rss;
    const res = await post({ name: "bomb", fileName: "bomb.zip" }, new Uint8Array(bomb));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      `zeros.bin unpacks to more than ${PACK_LIMITS.fileBytes} bytes (the limit per file in a pack).`,
    );
    expect(process.memoryUsage().rss - rss).toBeLessThan(80 * MB);
    expect(leftovers()).toEqual([]);
    expect(await db.prisma.environment.count()).toBe(0);
  });

  it("registers a new environment, refuses another pack under its name with 409, and takes it with newVersion=1", async () => {
    const first = await post({ name: "retail", fileName: "retail.zip" }, zipSync({ "env.py": envPy() }));
    expect(first.status).toBe(200);
    const v1 = (await first.json()) as { hash: string; version: number; created: boolean; active: boolean };
    expect(v1).toMatchObject({ version: 1, created: true, active: true });

    const second = zipSync({ "env.py": envPy("# broken on purpose\n") });
    const refused = await post({ name: "retail", fileName: "retail.zip" }, second);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: {
        code: "CONFLICT",
        message: `retail already exists (version 1, ${v1.hash.slice(0, 12)}…); register it as a new version of retail deliberately (--new-version / newVersion=1).`,
      },
    });
    const active = await db.prisma.environment.findUniqueOrThrow({
      where: { name: "retail" },
      select: { activePack: { select: { hash: true } } },
    });
    expect(active.activePack?.hash).toBe(v1.hash);

    expect((await post({ name: "retail", newVersion: "yes" }, second)).status).toBe(400);
    const accepted = await post({ name: "retail", fileName: "retail.zip", newVersion: "1" }, second);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ version: 2, created: true, active: true });
    expect(leftovers()).toEqual([]);
  });

  it("refuses a cross-site upload before reading it", async () => {
    const res = await post({ name: "evil" }, zipSync({ "env.py": envPy() }), {
      origin: "http://attacker.example:3000",
    });
    expect(res.status).toBe(403);
    expect(await db.prisma.environment.findUnique({ where: { name: "evil" } })).toBeNull();
  });
});
