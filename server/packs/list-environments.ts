import type { Db } from "../db/client";
import { describeToolSchemas } from "./tool-schemas";

/** Environments with every pack version (in order) and the active version's tools as plain strings. */
export async function listEnvironments({ db }: { db: Db }) {
  const envs = await db.prisma.environment.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      activePackId: true,
      probeVariants: true,
      _count: { select: { tasks: true } },
      packs: {
        orderBy: { version: "asc" },
        select: {
          id: true,
          version: true,
          hash: true,
          fileCount: true,
          sizeBytes: true,
          tools: true,
          caseTimeoutMs: true,
          memoryMb: true,
          createdAt: true,
          createdBy: { select: { name: true } },
        },
      },
    },
  });
  const activeIds = envs.map((e) => e.activePackId).filter((x): x is number => x !== null);
  const schemas = new Map(
    (await db.prisma.pack.findMany({ where: { id: { in: activeIds } }, select: { id: true, toolSchemas: true } })).map(
      (p) => [p.id, p.toolSchemas],
    ),
  );
  return envs.map((e) => {
    const versions = e.packs.map((p) => ({
      version: p.version,
      hash: p.hash,
      active: p.id === e.activePackId,
      toolCount: p.tools.length,
      tools: p.tools,
      fileCount: p.fileCount,
      sizeBytes: Number(p.sizeBytes),
      caseTimeoutMs: p.caseTimeoutMs,
      memoryMb: p.memoryMb,
      createdAt: p.createdAt.toISOString(),
      createdBy: p.createdBy?.name ?? null,
    }));
    return {
      name: e.name,
      taskCount: e._count.tasks,
      /** Variants per strength check (null: the default, 24; 0: checks off). */
      probeVariants: e.probeVariants,
      versions,
      active: versions.find((v) => v.active) ?? null,
      // Pack code wrote these: only strings leave the server (a non-string description once broke the page).
      tools: e.activePackId !== null ? describeToolSchemas(schemas.get(e.activePackId) ?? null) : null,
    };
  });
}
