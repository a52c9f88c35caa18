// The rules that tie a review to the evidence it was made on, stated once for every service that
// changes a revision, records a decision or publishes a dataset.
import { Prisma } from "../db/generated/client";

export { type ApprovalBlock, EXCLUSION_TEXT, type ExclusionReason } from "@/lib/review";

/**
 * SET clause for `update tasks` when a task gets a new revision (an edit, an import): a decision was
 * about the revision it was made on, so the task is unreviewed again and a superseded decision is
 * marked stale (its event stays in the history).
 */
export const SUPERSEDE_REVIEW = Prisma.raw(
  `review_stale = (review_status <> 'unreviewed' or review_stale), review_status = 'unreviewed', review_revision_id = null, review_run_id = null, review_override = null`,
);


/**
 * SQL for the approval block of `tasks t` (null when the filter accepted its current revision under
 * the active pack). Needs `filter_runs f` joined on t.verdict_run_id and `environments e` on
 * t.environment_id (see VERDICT_JOINS).
 */
export const APPROVAL_BLOCK_SQL = Prisma.sql`case
    when f.id is null or f.revision_id <> t.current_revision_id or f.status <> 'done' then 'not_run'
    when e.active_pack_id is not null and f.pack_id is distinct from e.active_pack_id then 'old_pack'
    when t.verdict_status <> 'accepted' then 'rejected'
  end`;
export const VERDICT_JOINS = Prisma.sql`left join filter_runs f on f.id = t.verdict_run_id join environments e on e.id = t.environment_id`;


/**
 * SQL for the exclusion reason of a working-set task (null: it goes into the version): approved on
 * its current revision, and accepted there by the filter unless the approval overrode the verdict.
 */
export const EXCLUSION_SQL = Prisma.sql`case
    when t.review_status <> 'approved' and t.review_stale then 'stale_review'
    when t.review_status <> 'approved' then 'not_approved'
    when t.review_revision_id is distinct from t.current_revision_id then 'stale_review'
    when t.review_override is not null then null
    else ${APPROVAL_BLOCK_SQL}
  end`;
