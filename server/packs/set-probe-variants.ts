// How many variants of a solution a strength check of this environment's tasks runs (0 turns the
// checks off; null: the default, 24). Checks already queued keep the cap they were queued with.
import type { Db } from "../db/client";
import { AppError } from "../errors";

export async function setProbeVariants({
  db,
  environment,
  probeVariants,
}: {
  db: Db;
  environment: string;
  probeVariants: number | null;
}) {
  const n = await db.prisma.environment.updateMany({ where: { name: environment }, data: { probeVariants } });
  if (!n.count) throw new AppError("NOT_FOUND", `There is no environment '${environment}'.`);
  return { environment, probeVariants };
}
