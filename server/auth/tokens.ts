// API tokens for scripts: `Authorization: Bearer cat_…`, acting with their user's current role (a
// demoted or disabled user's tokens lose their rights at once). A token is 32 random bytes; only its
// SHA-256 is stored (a slow hash buys nothing for a secret this long), and it is shown once.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Actor, Role } from "./roles";

const TOKEN_PREFIX = "cat_";
const TOKEN_SHAPE = /^cat_[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken({
  db,
  userId,
  name,
  createdById,
}: {
  db: Db;
  userId: number;
  name?: string;
  createdById: number;
}) {
  const user = await db.prisma.user.findUnique({
    where: { id: userId },
    select: { email: true, role: true, disabledAt: true },
  });
  if (!user?.role || user.disabledAt) throw new AppError("BAD_INPUT", "Tokens are for active accounts only.");
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const label = name?.trim() || `token ${new Date().toISOString().slice(0, 10)}`;
  const row = await db.prisma.apiToken.create({
    data: { userId, name: label, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdById },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...row, user: user.email!, role: user.role, token };
}

export async function listApiTokens({ db, userId }: { db: Db; userId?: number }) {
  return db.prisma.apiToken.findMany({
    where: userId === undefined ? {} : { userId },
    orderBy: { id: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      user: { select: { id: true, email: true } },
    },
  });
}

/** Revokes a token; `ownerId` limits it to that user's tokens (a non-administrator's own). */
export async function revokeApiToken({ db, tokenId, ownerId }: { db: Db; tokenId: number; ownerId?: number }) {
  const t = await db.prisma.apiToken.findUnique({ where: { id: tokenId }, select: { userId: true, revokedAt: true } });
  if (!t || (ownerId !== undefined && t.userId !== ownerId))
    throw new AppError("NOT_FOUND", `Token ${tokenId} does not exist.`);
  if (!t.revokedAt) await db.prisma.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
  return { revoked: true };
}

/** The actor a bearer token stands for, or null when it is unknown, revoked, or its user cannot act. */
export async function actorFromToken(db: Db, token: string): Promise<Actor | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = await db.prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      revokedAt: true,
      user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
    },
  });
  if (!row || row.revokedAt || !row.user.role || row.user.disabledAt) return null;
  // Last use, at most once a minute per token: a busy script must not write on every request.
  await db.prisma
    .$executeRaw`update api_tokens set last_used_at = now() where id = ${row.id}::int and (last_used_at is null or last_used_at < now() - interval '1 minute')`;
  return { id: row.user.id, email: row.user.email!, name: row.user.name, role: row.user.role as Role, via: "token" };
}
