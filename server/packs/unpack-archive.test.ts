import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { hashPack, readPackDir } from "./register-pack";
import { unpackArchive } from "./unpack-archive";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "cat-unpack-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const ENV = "from tools.core import TOOLS\ndef load_state():\n    return {}\n";

describe("unpackArchive", () => {
  it("unpacks a .zip (with a top folder) and a .tar.gz of the same pack to the same content", async () => {
    const zip = Buffer.from(zipSync({ "mypack/env.py": strToU8(ENV), "mypack/tools/__init__.py": strToU8(""), "mypack/tools/core.py": strToU8("TOOLS = {}\n") }));
    const fromZip = await unpackArchive(zip, "mypack.zip");
    const src = path.join(work, "src");
    fs.mkdirSync(path.join(src, "tools"), { recursive: true });
    fs.writeFileSync(path.join(src, "env.py"), ENV);
    fs.writeFileSync(path.join(src, "tools/__init__.py"), "");
    fs.writeFileSync(path.join(src, "tools/core.py"), "TOOLS = {}\n");
    const tgz = path.join(work, "pack.tar.gz");
    await tar.c({ gzip: true, file: tgz, cwd: src, portable: true }, ["env.py", "tools"]);
    const fromTar = await unpackArchive(fs.readFileSync(tgz), "pack.tar.gz");
    expect(hashPack(readPackDir(fromZip.dir))).toBe(hashPack(readPackDir(fromTar.dir)));
    expect(readPackDir(fromZip.dir).map((f) => f.path)).toEqual(["env.py", "tools/__init__.py", "tools/core.py"]);
    fromZip.cleanup();
    fromTar.cleanup();
  });

  it("refuses entries that escape the pack, links, and files that are not archives", async () => {
    const evil = Buffer.from(zipSync({ "../evil.py": strToU8("x") }));
    await expect(unpackArchive(evil, "evil.zip")).rejects.toThrow(/points outside the pack/);
    expect(fs.existsSync(path.join(os.tmpdir(), "evil.py"))).toBe(false);

    const src = path.join(work, "linked");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "env.py"), ENV);
    fs.symlinkSync("/etc/passwd", path.join(src, "passwd"));
    const tgz = path.join(work, "linked.tar.gz");
    await tar.c({ gzip: true, file: tgz, cwd: src }, ["env.py", "passwd"]);
    await expect(unpackArchive(fs.readFileSync(tgz), "linked.tar.gz")).rejects.toThrow(/only files and directories/);

    await expect(unpackArchive(Buffer.from("just text"), "notes.txt")).rejects.toThrow(/neither a .zip nor a .tar.gz/);
    await expect(unpackArchive(Buffer.from([0x1f, 0x8b, 1, 2, 3]), "broken.tar.gz")).rejects.toThrow(/could not be unpacked/);
  });
});
