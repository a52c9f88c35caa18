// The rules that tie a review to the evidence it was made on, stated once for every service that
// changes a revision, records a decision or publishes a dataset.
import { Prisma } from "../db/generated/client";

// The words for each exclusion reason (with and without a review policy) are the UI's too.
export {
  EXCLUSION_TEXT,
  type ExclusionReason,
  POLICY_EXCLUSION_TEXT,
  type PolicyExclusion,
} from "@/lib/review";

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

/**
 * Joins for the policy of working-set tasks `t` of dataset `datasetId`: `pol` (required approvals,
 * no rejection: the dataset's policy, else the strictest of the task's batches' policies, else
 * none) and `rv` (the decisions on the task's current revision: approvals, objections, whether an
 * approval overrode the verdict, the latest adjudication).
 */
export const policyJoins = (datasetId: number) => Prisma.sql`
  left join lateral (
    select coalesce(dp.approvals, max(bp.approvals)) as required, coalesce(dp.no_rejection, bool_or(bp.no_rejection)) as no_rejection
    from (select 1) one
    left join review_policies dp on dp.dataset_id = ${datasetId}::int
    left join task_batches tb on tb.task_id = t.id
    left join review_policies bp on bp.batch_id = tb.batch_id
    group by dp.approvals, dp.no_rejection
  ) pol on true
  left join lateral (
    select count(*) filter (where d.decision = 'approved' and not d.adjudication)::int as approvals,
           count(*) filter (where d.decision <> 'approved' and not d.adjudication)::int as objections,
           coalesce(bool_or(d.decision = 'approved' and d.override_reason is not null), false) as overridden,
           (array_agg(d.decision::text order by d.updated_at desc, d.id desc) filter (where d.adjudication))[1] as adjudicated
    from review_decisions d where d.task_id = t.id and d.revision_id = t.current_revision_id
  ) rv on true`;

/**
 * The exclusion reason under the policy of policyJoins (EXCLUSION_SQL where there is none): a
 * curator's adjudication settles it; otherwise enough distinct approvals and, with noRejection, no
 * objection; in every case the filter accepted the revision unless an approval overrode it.
 */
export const POLICY_EXCLUSION_SQL = Prisma.sql`case
    when pol.required is null then ${EXCLUSION_SQL}
    when rv.adjudicated is not null and rv.adjudicated <> 'approved' then 'adjudicated_out'
    when rv.adjudicated is null and pol.no_rejection and rv.objections > 0 then 'reviewer_objected'
    when rv.adjudicated is null and rv.approvals < pol.required then
      case when rv.approvals = 0 and rv.objections = 0 and t.review_stale then 'stale_review' else 'awaiting_reviews' end
    when rv.overridden then null
    else ${APPROVAL_BLOCK_SQL}
  end`;
