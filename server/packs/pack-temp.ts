// Where pack uploads and unpacked archives live while a pack is registered. Each process makes its own
// root with mkdtemp, and every upload gets its own mkdtemp directory under it: the only paths this code
// ever deletes are ones it created, never a path built from a request.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

let root: string | undefined;

/** This process's directory for pack uploads (created on first use; removed at exit when empty). */
export function packTempRoot(): string {
  if (root && fs.existsSync(root)) return root;
  const created = fs.mkdtempSync(path.join(os.tmpdir(), "cat-packs-"));
  if (!root) {
    process.once("exit", () => {
      try {
        if (root) fs.rmdirSync(root); // only when empty: a leftover would be a bug worth seeing
      } catch {
        // not empty or already gone
      }
    });
  }
  root = created;
  return created;
}

/** A fresh directory under the process's root and the function that deletes it (and only it). */
export function makePackTempDir(prefix: "upload" | "unpack"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(packTempRoot(), `${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
