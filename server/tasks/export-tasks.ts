// Streams tasks as CaT JSON Lines, page by page in id order: memory stays flat whatever the size.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";

export interface ExportTasksOptions {
  db: Db;
  batch?: string;
  environment?: string;
  pageSize?: number;
}

interface ExportRow {
  id: number;
  external_id: string;
  environment: string;
  instruction: string;
  verifier: string;
  solution: string;
  failure_cases: string[] | null;
  metadata: unknown;
  verdict_status: string;
  verdict_reason: string | null;
}

/** One JSON object per task, keys in the interchange format's order, each line ending in "\n". */
export async function* exportTasks({ db, batch, environment, pageSize = 1000 }: ExportTasksOptions): AsyncGenerator<string> {
  const conds: Prisma.Sql[] = [Prisma.sql`t.current_revision_id is not null`];
  if (batch) {
    const found = await db.prisma.importBatch.findUnique({ where: { name: batch }, select: { id: true } });
    if (!found) throw new AppError("NOT_FOUND", `No batch named '${batch}'.`);
    conds.push(Prisma.sql`t.batch_id = ${found.id}::int`);
  }
  if (environment) conds.push(Prisma.sql`e.name = ${environment}`);
  let after = 0;
  for (;;) {
    const rows = await db.prisma.$queryRaw<ExportRow[]>`
      select t.id, t.external_id, e.name as environment, r.instruction, r.verifier, r.solution, r.failure_cases, r.metadata,
             t.verdict_status::text as verdict_status, t.verdict_reason::text as verdict_reason
      from tasks t
      join environments e on e.id = t.environment_id
      join task_revisions r on r.id = t.current_revision_id
      where ${Prisma.join(conds, " and ")} and t.id > ${after}::int
      order by t.id
      limit ${pageSize}::int`;
    for (const r of rows) {
      const line: Record<string, unknown> = {
        id: r.external_id,
        environment: r.environment,
        instruction: r.instruction,
        verifier: r.verifier,
        solution: r.solution,
        failure_cases: r.failure_cases ?? [],
      };
      if (r.metadata !== null && r.metadata !== undefined) line.metadata = r.metadata;
      line.verdict = r.verdict_reason ? { status: r.verdict_status, reason: r.verdict_reason } : { status: r.verdict_status };
      yield JSON.stringify(line) + "\n";
    }
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
