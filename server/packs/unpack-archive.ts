// Unpacks an uploaded pack archive (.zip or .tar.gz) into a fresh directory. Archives are user input:
// absolute paths, '..', links and device files are refused, and sizes are bounded by counting the
// bytes actually decompressed — per file, in total, and the number of entries — never by trusting the
// sizes an archive declares. A 4 MB zip that declared small sizes and expanded to 4 GiB once took the
// server to 4.6 GB and blocked it for 12 s; both formats now stream through small chunks, yielding to
// the event loop between them, and stop at the first byte over a limit.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import { Unzip, UnzipInflate, type UnzipFile } from "fflate";
import * as tar from "tar";
import { AppError } from "../errors";
import { makePackTempDir } from "./pack-temp";
import { PACK_LIMITS } from "./register-pack";

export interface UnpackLimits {
  /** Entries (files and directories). */
  files: number;
  /** Decompressed bytes, all files together. */
  bytes: number;
  /** Decompressed bytes of one file. */
  fileBytes: number;
}

/** Compressed bytes handed to the zip inflater at a time: deflate expands at most ~1032:1, so one push yields at most ~4 MB. */
const ZIP_PUSH_BYTES = 4 * 1024;
const READ_BYTES = 64 * 1024;

function safeRelative(name: string): string {
  const clean = name.replace(/\\/g, "/");
  if (clean.startsWith("/") || clean.split("/").some((p) => p === ".."))
    throw new AppError("BAD_INPUT", `Archive entry '${name}' points outside the pack.`);
  if (clean.includes("\u0000"))
    throw new AppError("BAD_INPUT", `Archive entry '${name}' has a NUL character in its name.`);
  return clean;
}

/** If everything sits in one top folder (how most archivers pack a directory), use that folder. */
function packRoot(dir: string): string {
  const entries = fs.readdirSync(dir).filter((e) => e !== "__MACOSX");
  if (
    entries.length === 1 &&
    fs.statSync(path.join(dir, entries[0]!)).isDirectory() &&
    !fs.existsSync(path.join(dir, "env.py"))
  )
    return path.join(dir, entries[0]!);
  return dir;
}

const tooLarge = (limits: UnpackLimits) =>
  new AppError("TOO_LARGE", `The archive unpacks to more than ${limits.bytes} bytes (the limit for a pack).`);

/** Writes entries under `root`, counting entries and the bytes really written against the limits. */
class PackWriter {
  private entries = 0;
  private total = 0;
  private readonly openFds = new Set<number>();

  constructor(
    private readonly root: string,
    private readonly limits: UnpackLimits,
  ) {}

  private count(name: string): string {
    const rel = safeRelative(name);
    this.entries += 1;
    if (this.entries > this.limits.files)
      throw new AppError("TOO_LARGE", `The archive holds more than ${this.limits.files} files (the limit for a pack).`);
    return path.join(this.root, rel);
  }

  dir(name: string): void {
    fs.mkdirSync(this.count(name), { recursive: true });
  }

  file(name: string): { write: (chunk: Uint8Array) => void; close: () => void } {
    const target = this.count(name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, "w", 0o644);
    this.openFds.add(fd);
    let size = 0;
    return {
      write: (chunk) => {
        size += chunk.byteLength;
        this.total += chunk.byteLength;
        if (size > this.limits.fileBytes)
          throw new AppError(
            "TOO_LARGE",
            `${name} unpacks to more than ${this.limits.fileBytes} bytes (the limit per file in a pack).`,
          );
        if (this.total > this.limits.bytes) throw tooLarge(this.limits);
        fs.writeSync(fd, chunk);
      },
      close: () => {
        if (this.openFds.delete(fd)) fs.closeSync(fd);
      },
    };
  }

  closeAll(): void {
    for (const fd of this.openFds) fs.closeSync(fd);
    this.openFds.clear();
  }
}

async function unzipInto(file: string, writer: PackWriter): Promise<void> {
  // fflate calls back synchronously from push(): a problem is noted there and thrown after the push.
  let problem: unknown;
  const unzip = new Unzip((entry: UnzipFile) => {
    if (problem) return;
    try {
      if (entry.name.endsWith("/")) {
        writer.dir(entry.name);
        return;
      }
      const out = writer.file(entry.name);
      entry.ondata = (err, data, final) => {
        if (problem) return;
        try {
          if (err) throw new AppError("BAD_INPUT", `${entry.name} could not be decompressed: ${err.message}`);
          out.write(data);
          if (final) out.close();
        } catch (e) {
          problem = e;
          entry.terminate();
        }
      };
      entry.start();
    } catch (e) {
      problem = e;
    }
  });
  unzip.register(UnzipInflate);
  const handle = await fsp.open(file, "r");
  try {
    for (;;) {
      // A fresh buffer per read: fflate keeps views of what it has not consumed yet.
      const buf = Buffer.allocUnsafe(READ_BYTES);
      const { bytesRead } = await handle.read(buf, 0, READ_BYTES, null);
      if (!bytesRead) break;
      for (let off = 0; off < bytesRead; off += ZIP_PUSH_BYTES) {
        unzip.push(buf.subarray(off, Math.min(off + ZIP_PUSH_BYTES, bytesRead)), false);
        if (problem) throw problem;
        await new Promise(setImmediate);
      }
    }
    unzip.push(new Uint8Array(0), true);
    if (problem) throw problem;
  } finally {
    await handle.close();
  }
}

async function untarInto(file: string, gzipped: boolean, writer: PackWriter, limits: UnpackLimits): Promise<void> {
  let problem: unknown;
  const parser = new tar.Parser({ strict: true });
  parser.on("error", (err: Error) => {
    problem ??= err;
  });
  parser.on("entry", (entry: tar.ReadEntry) => {
    if (problem) {
      entry.resume();
      return;
    }
    try {
      if (entry.type === "Directory") {
        writer.dir(entry.path);
        entry.resume();
        return;
      }
      if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
        throw new AppError(
          "BAD_INPUT",
          `Archive entry '${entry.path}' is a ${entry.type}: only files and directories are allowed.`,
        );
      }
      const out = writer.file(entry.path);
      entry.on("data", (chunk: Buffer) => {
        if (problem) return;
        try {
          out.write(chunk);
        } catch (e) {
          problem = e;
        }
      });
      entry.on("end", () => out.close());
    } catch (e) {
      problem = e;
      entry.resume();
    }
  });
  // Nothing after the end-of-archive marker is read: node-tar buffers what follows it by repeated
  // concatenation (quadratic), and a gzip of zeros after a tiny archive is an endless run of it.
  let sawEnd = false;
  parser.on("eof", () => {
    sawEnd = true;
  });
  const finished = new Promise<void>((resolve) => {
    parser.once("end", resolve);
    parser.once("error", () => resolve());
  });
  // The tar stream itself is bounded too (headers, padding), on top of the bytes written per file.
  const streamLimit = limits.bytes + (limits.files + 16) * 2048;
  const read = fs.createReadStream(file, { highWaterMark: READ_BYTES });
  const stream = gzipped ? read.pipe(zlib.createGunzip({ chunkSize: 16 * 1024 })) : read;
  if (gzipped) read.on("error", (err) => stream.destroy(err));
  let streamed = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      streamed += chunk.length;
      if (streamed > streamLimit) throw tooLarge(limits);
      parser.write(chunk);
      if (problem) throw problem;
      if (sawEnd) break;
    }
    if (!sawEnd) {
      parser.end();
      await finished;
    }
    if (problem) throw problem;
  } finally {
    read.destroy();
    stream.destroy();
  }
}

/**
 * Unpacks the archive at `archive` (a file the caller owns) into a fresh temp directory. `limits`
 * defaults to PACK_LIMITS; tests lower it. The caller calls `cleanup` when done with `dir`.
 */
export async function unpackArchive(
  archive: string,
  fileName: string,
  limits: UnpackLimits = PACK_LIMITS,
): Promise<{ dir: string; cleanup: () => void }> {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(archive, "r");
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  const zip = head[0] === 0x50 && head[1] === 0x4b;
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (!zip && !gzip && !/\.tar(\.gz)?$|\.tgz$/i.test(fileName))
    throw new AppError("BAD_INPUT", `${fileName} is neither a .zip nor a .tar.gz archive.`);
  const { dir, cleanup } = makePackTempDir("unpack");
  const writer = new PackWriter(dir, limits);
  try {
    if (zip) await unzipInto(archive, writer);
    else await untarInto(archive, gzip, writer, limits);
    writer.closeAll();
    return { dir: packRoot(dir), cleanup };
  } catch (err) {
    writer.closeAll();
    cleanup();
    if (err instanceof AppError) throw err;
    throw new AppError("BAD_INPUT", `${fileName} could not be unpacked: ${(err as Error).message}`);
  }
}
