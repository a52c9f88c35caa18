// Packs live in the database (content-addressed blobs); the sandbox needs them as a directory. Each
// pack version is written once per machine, under its hash, read-only, and never changed again —
// so a worker on any machine sees exactly the files whose hash the verdict records.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { queryRows, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { serverEnv } from "../env";
import { AppError } from "../errors";
import type { RunOptions, Sandbox, TaskCode, TaskVerdict } from "../sandbox";

function packsRoot(): string {
  return path.join(serverEnv().dataDir, "packs");
}

const inFlight = new Map<string, Promise<string>>();

/** Returns the directory holding the pack's files, writing it first if this machine lacks it. */
export function materializePack({
  db,
  packId,
  hash,
  root = packsRoot(),
}: {
  db: Db;
  packId: number;
  hash: string;
  root?: string;
}): Promise<string> {
  const dir = path.join(root, hash);
  // The directory only ever appears whole (renamed into place), so existing means complete.
  if (fs.existsSync(dir)) return Promise.resolve(dir);
  const key = dir;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = writePack(db, packId, dir).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function writePack(db: Db, packId: number, dir: string): Promise<string> {
  // through pg (queryRows): a worker does this before its first verdict
  const files = await queryRows<{ path: string; mode: number; content: Buffer }>(
    db,
    Prisma.sql`select f.path, f.mode, b.content from pack_files f join blobs b on b.hash = f.blob_hash where f.pack_id = ${packId}::int`,
  );
  if (!files.length) throw new AppError("NOT_FOUND", `Pack ${packId} has no files.`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // Written beside the target and renamed into place: a crash never leaves half a pack behind.
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  for (const f of files) {
    const target = path.resolve(tmp, f.path);
    if (!target.startsWith(tmp + path.sep))
      throw new AppError("BAD_INPUT", `Pack file path escapes the pack: ${f.path}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content, { mode: f.mode & 0o111 ? 0o555 : 0o444 });
  }
  // Directories read-only too: user code must not add files to its own pack.
  const lock = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) lock(path.join(d, e.name));
    fs.chmodSync(d, 0o555);
  };
  lock(tmp);
  try {
    fs.renameSync(tmp, dir);
  } catch (err) {
    // Another process won the race with identical content: keep theirs.
    if (!fs.existsSync(dir)) throw err;
    removeReadOnlyTree(tmp);
  }
  return dir;
}

export function removeReadOnlyTree(dir: string): void {
  const unlock = (d: string) => {
    fs.chmodSync(d, 0o755);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) unlock(path.join(d, e.name));
  };
  if (!fs.existsSync(dir)) return;
  unlock(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface PackToRun {
  id: number;
  hash: string;
  caseTimeoutMs: number | null;
  memoryMb: number | null;
}

/** Runs a task's code against a stored pack, with the pack's own limits (the worker and Try both do). */
export async function runTaskOnPack({
  db,
  sandbox,
  pack,
  code,
  options,
}: {
  db: Db;
  sandbox: Sandbox;
  pack: PackToRun;
  code: TaskCode;
  options?: RunOptions;
}): Promise<TaskVerdict> {
  const dir = await materializePack({ db, packId: pack.id, hash: pack.hash });
  return sandbox.runTask(
    { dir, hash: pack.hash },
    code,
    {
      ...(pack.caseTimeoutMs ? { timeoutMs: pack.caseTimeoutMs } : {}),
      ...(pack.memoryMb ? { memoryBytes: pack.memoryMb * 1048576 } : {}),
    },
    options,
  );
}
