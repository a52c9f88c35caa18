import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { buildZip, deflatedZeros, writeTarGzBomb } from "./archive-bombs";
import { packTempRoot } from "./pack-temp";
import { hashPack, PACK_LIMITS, readPackDir } from "./register-pack";
import { unpackArchive } from "./unpack-archive";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "cat-unpack-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const ENV = "from tools.core import TOOLS\ndef load_state():\n    return {}\n";
const MB = 1024 * 1024;

const save = (name: string, bytes: Uint8Array) => {
  const p = path.join(work, name);
  fs.writeFileSync(p, bytes);
  return p;
};

/** Runs `fn` while sampling RSS and the longest stall of the event loop. */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; rssGrowth: number; longestStallMs: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  let last = Date.now();
  let longestStallMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    longestStallMs = Math.max(longestStallMs, now - last);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const [result] = await Promise.allSettled([fn()]);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { result, rssGrowth: peak - base, longestStallMs };
}

const leftovers = () => fs.readdirSync(packTempRoot());

describe("unpackArchive", () => {
  it("unpacks a .zip (with a top folder) and a .tar.gz of the same pack to the same content", async () => {
    const zip = save(
      "mypack.zip",
      zipSync({
        "mypack/env.py": strToU8(ENV),
        "mypack/tools/__init__.py": strToU8(""),
        "mypack/tools/core.py": strToU8("TOOLS = {}\n"),
      }),
    );
    const fromZip = await unpackArchive(zip, "mypack.zip");
    const src = path.join(work, "src");
    fs.mkdirSync(path.join(src, "tools"), { recursive: true });
    fs.writeFileSync(path.join(src, "env.py"), ENV);
    fs.writeFileSync(path.join(src, "tools/__init__.py"), "");
    fs.writeFileSync(path.join(src, "tools/core.py"), "TOOLS = {}\n");
    const tgz = path.join(work, "pack.tar.gz");
    await tar.c({ gzip: true, file: tgz, cwd: src, portable: true }, ["env.py", "tools"]);
    const fromTar = await unpackArchive(tgz, "pack.tar.gz");
    expect(hashPack(readPackDir(fromZip.dir))).toBe(hashPack(readPackDir(fromTar.dir)));
    expect(readPackDir(fromZip.dir).map((f) => f.path)).toEqual(["env.py", "tools/__init__.py", "tools/core.py"]);
    fromZip.cleanup();
    fromTar.cleanup();
    expect(leftovers()).toEqual([]);
  });

  it("unpacks a zip written by a streaming archiver (sizes in data descriptors)", async () => {
    const { Zip, ZipDeflate } = await import("fflate");
    const chunks: Uint8Array[] = [];
    const z = new Zip((err, data) => {
      if (err) throw err;
      chunks.push(data);
    });
    const f = new ZipDeflate("env.py", { level: 6 });
    z.add(f);
    f.push(strToU8(ENV), true);
    z.end();
    const { dir, cleanup } = await unpackArchive(save("streamed.zip", Buffer.concat(chunks)), "streamed.zip");
    expect(fs.readFileSync(path.join(dir, "env.py"), "utf8")).toBe(ENV);
    cleanup();
  });

  it("refuses entries that escape the pack, links, and files that are not archives", async () => {
    const evil = save("evil.zip", zipSync({ "../evil.py": strToU8("x") }));
    await expect(unpackArchive(evil, "evil.zip")).rejects.toThrow(/points outside the pack/);
    expect(fs.existsSync(path.join(os.tmpdir(), "evil.py"))).toBe(false);
    await expect(unpackArchive(save("abs.zip", zipSync({ "/etc/evil.py": strToU8("x") })), "abs.zip")).rejects.toThrow(
      /points outside the pack/,
    );

    const src = path.join(work, "linked");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "env.py"), ENV);
    fs.symlinkSync("/etc/passwd", path.join(src, "passwd"));
    const tgz = path.join(work, "linked.tar.gz");
    await tar.c({ gzip: true, file: tgz, cwd: src }, ["env.py", "passwd"]);
    await expect(unpackArchive(tgz, "linked.tar.gz")).rejects.toThrow(/only files and directories/);
    const dotdot = path.join(work, "dotdot.tar");
    await tar.c({ file: dotdot, cwd: src, preservePaths: true }, ["../linked/env.py"]);
    await expect(unpackArchive(dotdot, "dotdot.tar")).rejects.toThrow(/points outside the pack/);

    await expect(unpackArchive(save("notes.txt", Buffer.from("just text")), "notes.txt")).rejects.toThrow(
      /neither a .zip nor a .tar.gz/,
    );
    await expect(
      unpackArchive(save("broken.tar.gz", Buffer.from([0x1f, 0x8b, 1, 2, 3])), "broken.tar.gz"),
    ).rejects.toThrow(/could not be unpacked/);
    expect(leftovers()).toEqual([]);
  });

  it("refuses a zip bomb whose headers lie about its sizes, counting real bytes, in bounded memory", async () => {
    // 1 GiB of zeros, deflated to about 1 MB, declared as 1 KiB; four such entries declare 4 KiB and expand to 4 GiB.
    const gib = await deflatedZeros(1024);
    const bomb = save(
      "bomb.zip",
      buildZip([
        { name: "env.py", data: Buffer.from(ENV) },
        ...["a", "b", "c", "d"].map((n) => ({ name: `${n}.bin`, deflated: gib, declaredSize: 1024 })),
      ]),
    );
    expect(fs.statSync(bomb).size).toBeLessThan(8 * MB);

    const perFile = await measured(() => unpackArchive(bomb, "bomb.zip"));
    expect(perFile.result.status).toBe("rejected");
    expect((perFile.result as PromiseRejectedResult).reason).toMatchObject({
      code: "TOO_LARGE",
      message: `a.bin unpacks to more than ${PACK_LIMITS.fileBytes} bytes (the limit per file in a pack).`,
    });

    const total = await measured(() =>
      unpackArchive(bomb, "bomb.zip", { files: 100, bytes: 100 * MB, fileBytes: 4096 * MB }),
    );
    expect((total.result as PromiseRejectedResult).reason).toMatchObject({
      code: "TOO_LARGE",
      message: `The archive unpacks to more than ${100 * MB} bytes (the limit for a pack).`,
    });

    console.log(
      `zip bomb: rss growth ${(perFile.rssGrowth / MB).toFixed(0)} / ${(total.rssGrowth / MB).toFixed(0)} MB, longest event-loop stall ${perFile.longestStallMs} / ${total.longestStallMs} ms`,
    );
    // The inflater's garbage (a few MB per push) is freed when V8 decides: 5-55 MB measured; the fix's
    // predecessor held all 4 GiB.
    expect(Math.max(perFile.rssGrowth, total.rssGrowth)).toBeLessThan(80 * MB);
    expect(Math.max(perFile.longestStallMs, total.longestStallMs)).toBeLessThan(2_000);
    expect(leftovers()).toEqual([]);
  });

  it("refuses a zip with more entries than the limit", async () => {
    const many = save(
      "many.zip",
      zipSync(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.py`, strToU8("")]))),
    );
    await expect(unpackArchive(many, "many.zip", { files: 10, bytes: MB, fileBytes: MB })).rejects.toMatchObject({
      code: "TOO_LARGE",
      message: "The archive holds more than 10 files (the limit for a pack).",
    });
    expect(leftovers()).toEqual([]);
  });

  it("refuses a tar.gz bomb counting the bytes it writes, and never reads what follows the end of the archive", async () => {
    const huge = path.join(work, "huge.tar.gz");
    await writeTarGzBomb(huge, { "env.py": ENV }, 1024, "huge.bin");
    const trailing = path.join(work, "trailing.tar.gz");
    await writeTarGzBomb(trailing, { "env.py": ENV }, 1024);
    expect(fs.statSync(huge).size + fs.statSync(trailing).size).toBeLessThan(8 * MB);

    const perFile = await measured(() => unpackArchive(huge, "huge.tar.gz"));
    expect((perFile.result as PromiseRejectedResult).reason).toMatchObject({
      code: "TOO_LARGE",
      message: `huge.bin unpacks to more than ${PACK_LIMITS.fileBytes} bytes (the limit per file in a pack).`,
    });
    const total = await measured(() =>
      unpackArchive(huge, "huge.tar.gz", { files: 100, bytes: 100 * MB, fileBytes: 4096 * MB }),
    );
    expect((total.result as PromiseRejectedResult).reason).toMatchObject({
      code: "TOO_LARGE",
      message: `The archive unpacks to more than ${100 * MB} bytes (the limit for a pack).`,
    });
    // A GiB of zeros after the end-of-archive marker: node-tar would buffer it by repeated
    // concatenation (quadratic: the unpack never finished); it is simply not read.
    const after = await measured(() => unpackArchive(trailing, "trailing.tar.gz"));
    expect(after.result.status).toBe("fulfilled");
    const unpacked = (after.result as PromiseFulfilledResult<{ dir: string; cleanup: () => void }>).value;
    expect(fs.readdirSync(unpacked.dir)).toEqual(["env.py"]);
    unpacked.cleanup();

    console.log(
      `tar.gz bomb: rss growth ${[perFile, total, after].map((m) => (m.rssGrowth / MB).toFixed(0)).join(" / ")} MB, longest event-loop stall ${[perFile, total, after].map((m) => m.longestStallMs).join(" / ")} ms`,
    );
    expect(Math.max(perFile.rssGrowth, total.rssGrowth, after.rssGrowth)).toBeLessThan(80 * MB);
    expect(leftovers()).toEqual([]);
  });
});
