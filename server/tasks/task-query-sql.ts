// The task list's filter as SQL over `tasks t` (and `task_revisions r`, the current revision, for
// short searches): the one predicate builder the list, the facet counts, bulk selections and reruns
// share, so "the tasks matching this filter" means the same rows everywhere.
import type { TaskQuery } from "@/lib/task-query";
import { Prisma } from "../db/generated/client";

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How a text search is evaluated. A list page wants the first 50 matches in sort order:
 * - "scan" walks the list in sort order and tests each instruction: fast when matches are common;
 * - "index" first collects every match through the trigram index: fast when matches are rare;
 * - { taskIds }: the matches were collected once already (facet counts run several passes).
 */
export type SearchPlan = "scan" | "index" | { taskIds: number[] };

/** SQL conditions for a filter over `tasks t` (and `task_revisions r` for short searches). */
export function taskQuerySql(f: TaskQuery, plan: SearchPlan = "index"): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`true`];
  // By id through a sub-select, so counting needs no join to the environment and batch tables.
  if (f.environment)
    parts.push(Prisma.sql`t.environment_id in (select id from environments where name = ${f.environment})`);
  // A task belongs to every batch whose import created or revised it.
  if (f.batch)
    parts.push(
      Prisma.sql`t.id in (select tb.task_id from task_batches tb join import_batches b on b.id = tb.batch_id where b.name = ${f.batch})`,
    );
  if (f.dataset)
    parts.push(
      Prisma.sql`t.id in (select dt.task_id from dataset_tasks dt join datasets d on d.id = dt.dataset_id where d.name = ${f.dataset})`,
    );
  if (f.verdict) parts.push(Prisma.sql`t.verdict_status = ${f.verdict}::"VerdictStatus"`);
  if (f.reason) parts.push(Prisma.sql`t.verdict_reason = ${f.reason}::"RejectReason"`);
  if (f.review) parts.push(Prisma.sql`t.review_status = ${f.review}::"ReviewStatus"`);
  if (f.label)
    parts.push(
      Prisma.sql`exists (select 1 from task_labels tl join labels l on l.id = tl.label_id where tl.task_id = t.id and l.name = ${f.label})`,
    );
  if (f.comments) parts.push(f.comments === "yes" ? Prisma.sql`t.comment_count > 0` : Prisma.sql`t.comment_count = 0`);
  if (f.edited) parts.push(f.edited === "yes" ? Prisma.sql`t.edited_by_human` : Prisma.sql`not t.edited_by_human`);
  if (f.stale) parts.push(f.stale === "yes" ? Prisma.sql`t.review_stale` : Prisma.sql`not t.review_stale`);
  if (f.override)
    parts.push(
      f.override === "yes" ? Prisma.sql`t.review_override is not null` : Prisma.sql`t.review_override is null`,
    );
  if (f.strength) parts.push(Prisma.sql`t.strength = ${f.strength}::"StrengthStatus"`);
  if (f.edit) {
    const [before, now] = f.edit === "rescued" ? ["rejected", "accepted"] : ["accepted", "rejected"];
    parts.push(Prisma.sql`(t.edited_by_human and t.verdict_status = ${now}::"VerdictStatus" and (
      select f.verdict_status from filter_runs f join task_revisions ir on ir.id = f.revision_id
      where f.task_id = t.id and f.status = 'done' and ir.source = 'import' order by f.id desc limit 1) = ${before}::"VerdictStatus")`);
  }
  // The funnel's stages, each within the one before (PRODUCT.md, "Verdict").
  if (f.stage === "accepted") parts.push(Prisma.sql`t.verdict_status = 'accepted'`);
  else if (f.stage) {
    parts.push(Prisma.sql`t.verdict_status <> 'pending'`);
    if (f.stage !== "run") parts.push(Prisma.sql`t.verdict_reason is distinct from 'verifier_invalid'`);
    if (f.stage === "solution_passes") parts.push(Prisma.sql`t.verdict_reason is distinct from 'solution_not_passing'`);
  }
  const q = f.q?.trim();
  if (q) {
    parts.push(
      typeof plan === "object"
        ? Prisma.sql`t.id = any(${plan.taskIds}::int[])`
        : plan === "index" && q.length >= 3
          ? Prisma.sql`t.current_revision_id in (select id from matching_revisions)`
          : Prisma.sql`(r.search_text ilike ${`%${escapeLike(q)}%`} or t.external_id = ${q})`,
    );
  }
  return Prisma.join(parts, " and ");
}

/** The tasks whose current revision contains `q` (or whose id is `q`), through the trigram index. */
export function matchingTasksSql(q: string): Prisma.Sql {
  // A union rather than an OR: an OR across the two would make the planner read every task.
  return Prisma.sql`select t.id from tasks t where t.current_revision_id in (select id from task_revisions where search_text ilike ${`%${escapeLike(q)}%`})
    union select id from tasks where external_id = ${q}`;
}

/** The CTE the "index" plan refers to (trigrams need 3 characters; shorter terms always scan). */
export function taskSearchCte(f: TaskQuery, plan: SearchPlan = "index"): Prisma.Sql {
  const q = f.q?.trim();
  if (!q || q.length < 3 || plan !== "index") return Prisma.empty;
  // Materialised so the planner cannot fold it back into an ordered walk of the whole table.
  // The task whose id is the term counts as a match too (searching an id finds its task); a union,
  // so both halves use their index.
  return Prisma.sql`with matching_revisions as materialized (
    select id from task_revisions where search_text ilike ${`%${escapeLike(q)}%`}
    union select current_revision_id from tasks where external_id = ${q} and current_revision_id is not null)`;
}
