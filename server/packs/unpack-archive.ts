// Unpacks an uploaded pack archive (.zip or .tar.gz) into a fresh directory. Archives are user input:
// absolute paths, '..', links and device files are refused, and sizes are bounded.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { unzipSync } from "fflate";
import * as tar from "tar";
import { AppError } from "../errors";
import { PACK_LIMITS } from "./register-pack";

function safeRelative(name: string): string {
  const clean = name.replace(/\\/g, "/");
  if (clean.startsWith("/") || clean.split("/").some((p) => p === "..")) throw new AppError("BAD_INPUT", `Archive entry '${name}' points outside the pack.`);
  return clean;
}

/** If everything sits in one top folder (how most archivers pack a directory), use that folder. */
function packRoot(dir: string): string {
  const entries = fs.readdirSync(dir).filter((e) => e !== "__MACOSX");
  if (entries.length === 1 && fs.statSync(path.join(dir, entries[0]!)).isDirectory() && !fs.existsSync(path.join(dir, "env.py"))) return path.join(dir, entries[0]!);
  return dir;
}

export async function unpackArchive(bytes: Buffer, fileName: string): Promise<{ dir: string; cleanup: () => void }> {
  if (bytes.length > PACK_LIMITS.bytes) throw new AppError("TOO_LARGE", `The archive is over ${PACK_LIMITS.bytes} bytes.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-pack-upload-"));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (zip) {
      let total = 0;
      const files = unzipSync(new Uint8Array(bytes), {
        filter: (f) => {
          total += f.originalSize;
          if (total > PACK_LIMITS.bytes) throw new AppError("TOO_LARGE", `The archive unpacks to more than ${PACK_LIMITS.bytes} bytes.`);
          return true;
        },
      });
      const names = Object.keys(files);
      if (names.length > PACK_LIMITS.files) throw new AppError("TOO_LARGE", `The archive holds more than ${PACK_LIMITS.files} files.`);
      for (const name of names) {
        const rel = safeRelative(name);
        const target = path.join(dir, rel);
        if (rel.endsWith("/")) fs.mkdirSync(target, { recursive: true });
        else {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, files[name]!);
        }
      }
    } else if (gzip || /\.tar(\.gz)?$|\.tgz$/i.test(fileName)) {
      let count = 0;
      let total = 0;
      // tar's filter cannot throw (the stream would hang): note the first problem, skip the rest.
      let problem: AppError | undefined;
      await pipeline(
        Readable.from([bytes]),
        tar.x({
          cwd: dir,
          strict: true,
          preservePaths: false,
          filter: (p, entry) => {
            if (problem) return false;
            try {
              safeRelative(p);
              const type = "type" in entry ? entry.type : "File";
              if (type !== "File" && type !== "Directory" && type !== "OldFile") throw new AppError("BAD_INPUT", `Archive entry '${p}' is a ${type}: only files and directories are allowed.`);
              count += 1;
              total += "size" in entry ? (entry.size ?? 0) : 0;
              if (count > PACK_LIMITS.files || total > PACK_LIMITS.bytes) throw new AppError("TOO_LARGE", "The archive is too large for a pack.");
              return true;
            } catch (err) {
              problem = err as AppError;
              return false;
            }
          },
        }),
      );
      if (problem) throw problem;
    } else {
      throw new AppError("BAD_INPUT", `${fileName} is neither a .zip nor a .tar.gz archive.`);
    }
    return { dir: packRoot(dir), cleanup };
  } catch (err) {
    cleanup();
    if (err instanceof AppError) throw err;
    throw new AppError("BAD_INPUT", `${fileName} could not be unpacked: ${(err as Error).message}`);
  }
}
