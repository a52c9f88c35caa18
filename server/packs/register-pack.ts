// Registers an environment pack from a directory: files are stored content-addressed, the pack is
// identified by the hash of its content, and re-adding the same content is a no-op. Different content
// under an existing environment's name is its next version, registered only when asked for (newVersion).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { inspectPack, PackLoadError, SandboxUnavailableError } from "../sandbox";
import { checkToolSchemas } from "./tool-schemas";

export const PACK_LIMITS = { files: 5000, bytes: 200 * 1024 * 1024, fileBytes: 64 * 1024 * 1024 } as const;
const IGNORED = new Set(["__pycache__", ".git", ".DS_Store", ".venv", "node_modules"]);

export interface PackFileEntry {
  path: string; // relative, forward slashes
  mode: number;
  content: Buffer;
  hash: string;
}

/** Reads a pack directory, refusing what cannot be a pack: symlinks out of it, missing env.py, size. */
export function readPackDir(dir: string): PackFileEntry[] {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new AppError("BAD_INPUT", `${dir} is not a directory.`);
  const out: PackFileEntry[] = [];
  let total = 0;
  const walk = (rel: string) => {
    for (const ent of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (IGNORED.has(ent.name) || ent.name.endsWith(".pyc")) continue;
      const relPath = rel ? `${rel}/${ent.name}` : ent.name;
      const abs = path.join(root, relPath);
      if (ent.isSymbolicLink())
        throw new AppError("BAD_INPUT", `${relPath}: symbolic links are not allowed in a pack.`);
      if (ent.isDirectory()) walk(relPath);
      else if (ent.isFile()) {
        const st = fs.statSync(abs);
        if (st.size > PACK_LIMITS.fileBytes)
          throw new AppError(
            "TOO_LARGE",
            `${relPath} is ${st.size} bytes, over the ${PACK_LIMITS.fileBytes}-byte limit per file.`,
          );
        total += st.size;
        if (total > PACK_LIMITS.bytes) throw new AppError("TOO_LARGE", `The pack is over ${PACK_LIMITS.bytes} bytes.`);
        if (out.length >= PACK_LIMITS.files)
          throw new AppError("TOO_LARGE", `The pack has more than ${PACK_LIMITS.files} files.`);
        const content = fs.readFileSync(abs);
        out.push({
          path: relPath,
          mode: st.mode & 0o111 ? 0o755 : 0o644,
          content,
          hash: createHash("sha256").update(content).digest("hex"),
        });
      }
    }
  };
  walk("");
  if (!out.some((f) => f.path === "env.py"))
    throw new AppError("BAD_INPUT", `${dir} has no env.py at its root: a pack defines TOOLS and load_state() there.`);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The pack's identity: a hash over its sorted (path, mode, content hash) entries. */
export function hashPack(files: PackFileEntry[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(`${f.path}\u0000${f.mode.toString(8)}\u0000${f.hash}\n`);
  return h.digest("hex");
}

const ENV_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/i;

export interface RegisterPackOptions {
  db: Db;
  dir: string;
  name?: string;
  userId?: number;
  /** Per-case limits for tasks of this pack (defaults: 10 s, 1 GiB). */
  caseTimeoutMs?: number;
  memoryMb?: number;
  /**
   * Register different content under an existing environment's name as its next version, which then
   * becomes the one runs use. Without it that is refused: a pack uploaded under a taken name once
   * silently replaced the environment for every later run.
   */
  newVersion?: boolean;
}

/** Loads the pack in the sandbox (it is user code too) and reads its tools and schemas. */
async function describePack(dir: string, hash: string) {
  try {
    const info = await inspectPack({ dir: path.resolve(dir), hash });
    // The sandbox's reply is the pack's own output: checked here, on the host, before it is stored.
    return { tools: info.tools, toolSchemas: checkToolSchemas(info.toolSchemas), warning: undefined };
  } catch (err) {
    if (err instanceof PackLoadError) throw new AppError("BAD_INPUT", `The pack does not load: ${err.message}`);
    if (err instanceof SandboxUnavailableError) {
      return {
        tools: [] as string[],
        toolSchemas: null,
        warning: `Registered without inspecting its tools: ${err.message}`,
      };
    }
    throw err;
  }
}

interface EnvironmentState {
  versions: number;
  active: { version: number; hash: string } | null;
  /** The version already holding this content, if any. */
  same: { id: number; version: number } | null;
}

async function environmentState(
  db: Pick<Db["prisma"], "environment">,
  envName: string,
  hash: string,
): Promise<EnvironmentState> {
  const env = await db.environment.findUnique({
    where: { name: envName },
    select: {
      activePack: { select: { version: true, hash: true } },
      packs: { where: { hash }, select: { id: true, version: true } },
      _count: { select: { packs: true } },
    },
  });
  return { versions: env?._count.packs ?? 0, active: env?.activePack ?? null, same: env?.packs[0] ?? null };
}

/** A new environment, or deliberately a new version of an existing one: anything else is refused. */
function checkIntent(envName: string, state: EnvironmentState, newVersion: boolean): void {
  if (state.versions > 0 && !newVersion) {
    const current = state.active
      ? `version ${state.active.version}, ${state.active.hash.slice(0, 12)}…`
      : `${state.versions} version${state.versions === 1 ? "" : "s"}, none active`;
    throw new AppError(
      "CONFLICT",
      `${envName} already exists (${current}); register it as a new version of ${envName} deliberately (--new-version / newVersion=1).`,
      {
        environment: envName,
        activeVersion: state.active?.version ?? null,
        activeHash: state.active?.hash ?? null,
      },
    );
  }
  if (state.versions === 0 && newVersion) {
    throw new AppError(
      "NOT_FOUND",
      `There is no environment ${envName} to add a version to; register it as a new environment (without --new-version / newVersion).`,
    );
  }
}

export async function registerPack({
  db,
  dir,
  name,
  userId,
  caseTimeoutMs,
  memoryMb,
  newVersion = false,
}: RegisterPackOptions) {
  const envName = name ?? path.basename(path.resolve(dir));
  if (!ENV_NAME.test(envName))
    throw new AppError("BAD_INPUT", `Invalid environment name '${envName}': use letters, digits, '.', '_' and '-'.`);
  if (caseTimeoutMs !== undefined && !(caseTimeoutMs >= 100 && caseTimeoutMs <= 600_000))
    throw new AppError("BAD_INPUT", "The case timeout must be between 100 ms and 10 minutes.");
  if (memoryMb !== undefined && !(memoryMb >= 64 && memoryMb <= 65_536))
    throw new AppError("BAD_INPUT", "The memory limit must be between 64 MB and 64 GB.");
  const files = readPackDir(dir);
  const hash = hashPack(files);
  const unchanged = (state: EnvironmentState, tools?: string[], warning?: string) => ({
    name: envName,
    hash,
    packId: state.same!.id,
    version: state.same!.version,
    active: state.active?.hash === hash,
    created: false,
    tools,
    warning,
  });
  // Decided before the pack's code runs in the sandbox: a refused upload must not execute its env.py.
  const before = await environmentState(db.prisma, envName, hash);
  if (before.same) return unchanged(before);
  checkIntent(envName, before, newVersion);
  const described = await describePack(dir, hash);
  return db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`insert into environments (name) values (${envName}) on conflict (name) do nothing`;
      const [env] = await tx.$queryRaw<
        Array<{ id: number }>
      >`select id from environments where name = ${envName} for update`;
      // Again under the environment's lock: another registration may have committed since.
      const state = await environmentState(tx, envName, hash);
      if (state.same) return unchanged(state, described.tools, described.warning);
      checkIntent(envName, state, newVersion);
      const last = await tx.pack.aggregate({ where: { environmentId: env!.id }, _max: { version: true } });
      const version = (last._max.version ?? 0) + 1;
      await tx.blob.createMany({
        data: files.map((f) => ({ hash: f.hash, size: f.content.length, content: new Uint8Array(f.content) })),
        skipDuplicates: true,
      });
      const pack = await tx.pack.create({
        data: {
          environmentId: env!.id,
          version,
          hash,
          fileCount: files.length,
          sizeBytes: BigInt(files.reduce((n, f) => n + f.content.length, 0)),
          tools: described.tools,
          toolSchemas: (described.toolSchemas ?? Prisma.DbNull) as Prisma.InputJsonValue,
          caseTimeoutMs: caseTimeoutMs ?? null,
          memoryMb: memoryMb ?? null,
          createdById: userId ?? db.defaultUserId,
          files: { createMany: { data: files.map((f) => ({ path: f.path, blobHash: f.hash, mode: f.mode })) } },
        },
        select: { id: true },
      });
      // A new environment's first pack, or a version registered deliberately: runs use it from now on.
      await tx.environment.update({ where: { id: env!.id }, data: { activePackId: pack.id } });
      return {
        name: envName,
        hash,
        packId: pack.id,
        version,
        active: true,
        created: true,
        tools: described.tools,
        warning: described.warning,
      };
    },
    { timeout: 120_000 },
  );
}
