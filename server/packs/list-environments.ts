import type { Db } from "../db/client";

/** Environments with their pack versions, newest first; tool schemas of the newest only. */
export async function listEnvironments({ db }: { db: Db }) {
  const envs = await db.prisma.environment.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      _count: { select: { tasks: true } },
      packs: {
        orderBy: { id: "desc" },
        select: { id: true, hash: true, fileCount: true, sizeBytes: true, tools: true, caseTimeoutMs: true, memoryMb: true, createdAt: true },
      },
    },
  });
  const latestIds = envs.map((e) => e.packs[0]?.id).filter((x): x is number => x !== undefined);
  const schemas = new Map(
    (await db.prisma.pack.findMany({ where: { id: { in: latestIds } }, select: { id: true, toolSchemas: true } })).map((p) => [p.id, p.toolSchemas]),
  );
  return envs.map((e) => ({
    name: e.name,
    taskCount: e._count.tasks,
    packs: e.packs.map((p) => ({ ...p, sizeBytes: Number(p.sizeBytes), createdAt: p.createdAt.toISOString() })),
    toolSchemas: e.packs[0] ? ((schemas.get(e.packs[0].id) ?? null) as Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }> | null) : null,
  }));
}
