// Chooses which of an environment's pack versions runs use from now on: a deliberate new version
// becomes active when registered, and this is how an older version is made active again (a broken
// new version should not leave an environment unusable). Runs already queued keep the pack they
// were queued with, so a verdict always says which pack produced it.
import type { Db } from "../db/client";
import { AppError } from "../errors";

export async function setActivePack({ db, environment, packHash }: { db: Db; environment: string; packHash: string }) {
  const hash = packHash.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(hash))
    throw new AppError(
      "BAD_INPUT",
      `'${packHash.slice(0, 80)}' is not a pack hash: give at least its first 8 hex digits.`,
    );
  const env = await db.prisma.environment.findUnique({
    where: { name: environment },
    select: { id: true, activePack: { select: { version: true, hash: true } } },
  });
  if (!env) throw new AppError("NOT_FOUND", `There is no environment '${environment}'.`);
  const packs = await db.prisma.pack.findMany({
    where: { environmentId: env.id, hash: { startsWith: hash } },
    select: { id: true, version: true, hash: true },
    take: 2,
  });
  if (!packs.length) throw new AppError("NOT_FOUND", `${environment} has no pack version ${hash.slice(0, 12)}…`);
  if (packs.length > 1)
    throw new AppError(
      "BAD_INPUT",
      `${hash} is the start of more than one version of ${environment}: give more of the hash.`,
    );
  const pack = packs[0]!;
  await db.prisma.environment.update({ where: { id: env.id }, data: { activePackId: pack.id } });
  return { environment, version: pack.version, hash: pack.hash, previous: env.activePack };
}
