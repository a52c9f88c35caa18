// Streams tasks as CaT JSON Lines, page by page in id order: memory stays flat whatever the size.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { type StrengthSummary, strengthSummary } from "../strength/strength-summary";

export interface ExportTasksOptions {
  db: Db;
  batch?: string;
  environment?: string;
  pageSize?: number;
}

interface ExportCase {
  role: string;
  index: number;
  outcome: string;
  error: { case: { type: string; message: string } | null; verify: { type: string; message: string } | null } | null;
  durationMs: number;
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
  pack_hash: string | null;
  cases: ExportCase[] | null;
  review_status: string;
  review_revision: number | null;
  review_stale: boolean;
  review_override: string | null;
  variants: number | null;
  leaks: number | null;
  flaky: boolean | null;
  unread_writes: unknown;
}

/** The review beside the verdict in every exported line (see ../shared/PRODUCT.md, issue 9). */
export interface ExportReview {
  status: string;
  /** The revision the decision was made on (for a superseded decision, the one it was made on). */
  revision: number | null;
  stale: boolean;
  override: { reason: string } | null;
}

function caseError(c: ExportCase): string | null {
  const e = c.error?.verify ?? c.error?.case;
  return e ? `${e.type}: ${e.message}` : null;
}

/** One task as a line of CaT JSON Lines: keys in the interchange format's order, metadata only when set. */
export function formatCatLine(t: {
  id: string;
  environment: string;
  instruction: string;
  verifier: string;
  solution: string;
  failureCases: string[];
  metadata: unknown;
  verdict: unknown;
  review: ExportReview;
  /** The exported revision's strength check in numbers (null: not checked). */
  strength: StrengthSummary | null;
}): string {
  const line: Record<string, unknown> = {
    id: t.id,
    environment: t.environment,
    instruction: t.instruction,
    verifier: t.verifier,
    solution: t.solution,
    failure_cases: t.failureCases,
  };
  if (t.metadata !== null && t.metadata !== undefined) line.metadata = t.metadata;
  line.verdict = t.verdict;
  line.review = t.review;
  line.strength = t.strength;
  return JSON.stringify(line) + "\n";
}

/** One JSON object per task, each line ending in "\n". */
export async function* exportTasks({
  db,
  batch,
  environment,
  pageSize = 1000,
}: ExportTasksOptions): AsyncGenerator<string> {
  const conds: Prisma.Sql[] = [Prisma.sql`t.current_revision_id is not null`];
  if (batch) {
    const found = await db.prisma.importBatch.findUnique({ where: { name: batch }, select: { id: true } });
    if (!found) throw new AppError("NOT_FOUND", `No batch named '${batch}'.`);
    conds.push(Prisma.sql`t.id in (select task_id from task_batches where batch_id = ${found.id}::int)`);
  }
  if (environment) conds.push(Prisma.sql`e.name = ${environment}`);
  let after = 0;
  for (;;) {
    const rows = await db.prisma.$queryRaw<ExportRow[]>`
      select t.id, t.external_id, e.name as environment, r.instruction, r.verifier, r.solution, r.failure_cases, r.metadata,
             t.verdict_status::text as verdict_status, t.verdict_reason::text as verdict_reason, p.hash as pack_hash,
             (select json_agg(json_build_object('role', c.role, 'index', c.index, 'outcome', c.outcome, 'error', c.error, 'durationMs', c.duration_ms)
                              order by c.role, c.index)
              from case_results c where c.run_id = t.verdict_run_id) as cases,
             t.review_status::text as review_status, t.review_stale, t.review_override,
             sc.variants, sc.leaks, sc.flaky, sc.unread_writes,
             case when t.review_revision_id is not null then rr.number
                  when t.review_stale then (select r2.number from review_events ev join task_revisions r2 on r2.id = ev.revision_id
                                            where ev.task_id = t.id and ev.kind = 'status' order by ev.id desc limit 1) end as review_revision
      from tasks t
      left join task_revisions rr on rr.id = t.review_revision_id
      join environments e on e.id = t.environment_id
      join task_revisions r on r.id = t.current_revision_id
      left join filter_runs f on f.id = t.verdict_run_id
      left join packs p on p.id = f.pack_id
      left join strength_checks sc on sc.id = t.strength_check_id
      where ${Prisma.join(conds, " and ")} and t.id > ${after}::int
      order by t.id
      limit ${pageSize}::int`;
    for (const r of rows) {
      const verdict =
        r.verdict_status === "pending"
          ? { status: "pending" }
          : {
              status: r.verdict_status,
              reason: r.verdict_reason,
              packHash: r.pack_hash,
              cases: (r.cases ?? []).map((c) => ({
                role: c.role,
                index: c.index,
                outcome: c.outcome,
                error: caseError(c),
                durationMs: c.durationMs,
              })),
            };
      const review: ExportReview = {
        status: r.review_status,
        revision: r.review_revision,
        stale: r.review_stale,
        override: r.review_override === null ? null : { reason: r.review_override },
      };
      yield formatCatLine({
        id: r.external_id,
        environment: r.environment,
        instruction: r.instruction,
        verifier: r.verifier,
        solution: r.solution,
        failureCases: r.failure_cases ?? [],
        metadata: r.metadata,
        verdict,
        review,
        strength: strengthSummary(r),
      });
    }
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
