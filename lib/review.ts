// The words for why a review cannot stand, shared by the server (which decides) and the UI (which
// explains): one source, so a refusal reads the same in the CLI, the API and the page.

/** Why a task is not accepted on its current revision under its environment's active pack. */
export const APPROVAL_BLOCKS = ["not_run", "old_pack", "rejected"] as const;
export type ApprovalBlock = (typeof APPROVAL_BLOCKS)[number];

/** "not run on its current revision"; with many, "… on their current revision". */
export function approvalBlockText(block: ApprovalBlock, many = false): string {
  const its = many ? "their" : "its";
  return {
    not_run: `not run on ${its} current revision`,
    old_pack: `run on an older version of ${its} environment pack`,
    rejected: "rejected by the filter",
  }[block];
}

/** Why a working-set task is left out of a published version. */
const EXCLUSION_REASONS = ["stale_review", "not_approved", ...APPROVAL_BLOCKS] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  stale_review: "stale review: approved on an older revision",
  not_approved: "not approved",
  not_run: approvalBlockText("not_run"),
  old_pack: approvalBlockText("old_pack"),
  rejected: approvalBlockText("rejected"),
};

/** Why a task is left out under a review policy (several reviewers per task). */
const POLICY_EXCLUSIONS = ["awaiting_reviews", "reviewer_objected", "adjudicated_out"] as const;
export type PolicyExclusion = (typeof POLICY_EXCLUSIONS)[number];

export const POLICY_EXCLUSION_TEXT: Record<PolicyExclusion, string> = {
  awaiting_reviews: "awaiting reviews: fewer approvals than the review policy needs",
  reviewer_objected: "a reviewer rejected it or asked for an edit: a curator adjudicates",
  adjudicated_out: "adjudicated: not approved",
};

/** The words for any reason a task is left out of a version, with or without a review policy. */
export function exclusionText(reason: ExclusionReason | PolicyExclusion): string {
  return reason in POLICY_EXCLUSION_TEXT
    ? POLICY_EXCLUSION_TEXT[reason as PolicyExclusion]
    : EXCLUSION_TEXT[reason as ExclusionReason];
}
