// Accounts: the first administrator (setup), users an administrator adds, roles, disabling. Passwords
// are hashed by better-auth's own hasher and stored the way its sign-in reads them (a "credential"
// account); they never leave this module and are never logged.
import { z } from "zod";
import { API_LIMITS } from "../api/limits";
import { queryRows, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { ROLES, type Actor, type Role } from "./roles";

export const emailSchema = z
  .email("an email address")
  .max(API_LIMITS.emailChars)
  .transform((e) => e.trim().toLowerCase());
export const passwordSchema = z
  .string()
  .min(API_LIMITS.passwordMinChars, `a password has at least ${API_LIMITS.passwordMinChars} characters`)
  .max(API_LIMITS.passwordMaxChars, `a password has at most ${API_LIMITS.passwordMaxChars} characters`);
export const roleSchema = z.enum(ROLES);

const USER_SELECT = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;

/** True until the first account exists: the first visit then creates the administrator. */
export async function needsSetup({ db }: { db: Db }): Promise<boolean> {
  return (await db.prisma.user.count({ where: { role: { not: null } }, take: 1 })) === 0;
}

/** better-auth's own hasher (scrypt), the one its sign-in verifies with (server/auth/auth.ts). */
async function hashPassword(_db: Db, password: string): Promise<string> {
  // loaded here, not with the module: better-auth takes ~0.13 s to load, which every CLI command paid
  const { hashPassword: hashWithBetterAuth } = await import("better-auth/crypto");
  return hashWithBetterAuth(passwordSchema.parse(password));
}

async function insertUser(
  tx: Parameters<Parameters<Db["prisma"]["$transaction"]>[0]>[0],
  data: { email: string; name: string; role: Role; passwordHash: string | null },
) {
  if (await tx.user.findUnique({ where: { email: data.email }, select: { id: true } }))
    throw new AppError("CONFLICT", `A user with the email ${data.email} exists already.`);
  const user = await tx.user.create({
    data: { email: data.email, name: data.name, role: data.role },
    select: USER_SELECT,
  });
  if (data.passwordHash)
    await tx.authAccount.create({
      data: { userId: user.id, providerId: "credential", accountId: String(user.id), password: data.passwordHash },
    });
  return user;
}

/**
 * Creates the first administrator; refused once any account exists, so the setup page cannot be
 * replayed to take over an installation. Two setups at once: the advisory lock lets one win.
 */
export async function setupAdministrator({
  db,
  email,
  name,
  password,
}: {
  db: Db;
  email: string;
  name?: string;
  password: string;
}) {
  const e = emailSchema.parse(email);
  const passwordHash = await hashPassword(db, password);
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(7283)`;
    if ((await tx.user.count({ where: { role: { not: null } }, take: 1 })) > 0)
      throw new AppError("CONFLICT", "This installation has its administrator already: sign in instead.");
    return insertUser(tx, { email: e, name: name?.trim() || e.split("@")[0]!, role: "admin", passwordHash });
  });
}

/** Adds a user (an administrator's action, or the CLI's). Without a password they sign in with OpenID Connect only. */
export async function createUser({
  db,
  email,
  name,
  role,
  password,
}: {
  db: Db;
  email: string;
  name?: string;
  role: Role;
  password?: string;
}) {
  const e = emailSchema.parse(email);
  const passwordHash = password === undefined ? null : await hashPassword(db, password);
  return db.prisma.$transaction(async (tx) =>
    insertUser(tx, { email: e, name: name?.trim() || e.split("@")[0]!, role, passwordHash }),
  );
}

export async function listUsers({ db }: { db: Db }) {
  const users = await db.prisma.user.findMany({
    where: { role: { not: null } },
    orderBy: { id: "asc" },
    select: {
      ...USER_SELECT,
      accounts: { select: { providerId: true } },
      _count: { select: { apiTokens: { where: { revokedAt: null } } } },
    },
  });
  return users.map(({ accounts, _count, ...u }) => ({
    ...u,
    signIn: accounts.map((a) => (a.providerId === "credential" ? "password" : a.providerId)),
    activeTokens: _count.apiTokens,
  }));
}

/** Changes a role or disables a user; the last active administrator can be neither demoted nor disabled. */
export async function updateUser({
  db,
  userId,
  role,
  disabled,
}: {
  db: Db;
  userId: number;
  role?: Role;
  disabled?: boolean;
}) {
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(7283)`;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true, disabledAt: true } });
    if (!user?.role) throw new AppError("NOT_FOUND", `User ${userId} does not exist.`);
    const losesAdmin =
      user.role === "admin" && !user.disabledAt && ((role !== undefined && role !== "admin") || disabled === true);
    if (losesAdmin && (await tx.user.count({ where: { role: "admin", disabledAt: null } })) <= 1) {
      throw new AppError(
        "CONFLICT",
        "This is the last active administrator: make someone else an administrator first.",
      );
    }
    const updated = await tx.user.update({
      where: { id: userId },
      data: {
        ...(role ? { role } : {}),
        ...(disabled === undefined ? {} : { disabledAt: disabled ? (user.disabledAt ?? new Date()) : null }),
      },
      select: USER_SELECT,
    });
    // A disabled user's sessions end now (their tokens stop working by the same check).
    if (disabled) await tx.authSession.deleteMany({ where: { userId } });
    return updated;
  });
}

/** Sets a new password (an administrator's reset, or the CLI's) and ends the user's sessions. */
export async function setUserPassword({ db, userId, password }: { db: Db; userId: number; password: string }) {
  const passwordHash = await hashPassword(db, password);
  return db.prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
    if (!user?.role) throw new AppError("NOT_FOUND", `User ${userId} does not exist.`);
    const { count } = await tx.authAccount.updateMany({
      where: { userId, providerId: "credential" },
      data: { password: passwordHash },
    });
    if (!count)
      await tx.authAccount.create({
        data: { userId, providerId: "credential", accountId: String(userId), password: passwordHash },
      });
    await tx.authSession.deleteMany({ where: { userId } });
    return { updated: true };
  });
}

export async function findUserByEmail({ db, email }: { db: Db; email: string }) {
  const user = await db.prisma.user.findUnique({ where: { email: emailSchema.parse(email) }, select: USER_SELECT });
  if (!user?.role) throw new AppError("NOT_FOUND", `No user with the email ${email}.`);
  return user;
}

/**
 * Who the CLI acts as. Whoever can read the data directory administers the installation, so the CLI
 * needs no password: `--as EMAIL` names the user its actions are attributed to (acting with that
 * user's role), the default is the first administrator, and before any account exists it is the
 * local system user (which cannot sign in anywhere else).
 */
export async function cliActor({ db, as }: { db: Db; as?: string }): Promise<Actor> {
  if (as) {
    const u = await findUserByEmail({ db, email: as });
    if (u.disabledAt) throw new AppError("FORBIDDEN", `${u.email} is disabled.`);
    return { id: u.id, email: u.email!, name: u.name, role: u.role!, via: "cli" };
  }
  // through pg (queryRows): every CLI command starts here
  // the first administrator, else the local default user
  const [actor] = await queryRows<{ id: number; email: string | null; name: string }>(
    db,
    Prisma.sql`select id, email, name from users
               where (role = 'admin' and disabled_at is null) or id = ${db.defaultUserId}::int
               order by coalesce(role = 'admin' and disabled_at is null, false) desc, id limit 1`,
  );
  if (!actor) throw new AppError("NOT_FOUND", "There is no user to act as.");
  return { id: actor.id, email: actor.email ?? "local", name: actor.name, role: "admin", via: "cli" };
}
