// The words for why a review cannot stand, shared by the server (which decides) and the UI (which
// explains): one source, so a refusal reads the same in the CLI, the API and the page.

/** Why a task is not accepted on its current revision under its environment's active pack. */
export const APPROVAL_BLOCKS = ["not_run", "old_pack", "rejected"] as const;
export type ApprovalBlock = (typeof APPROVAL_BLOCKS)[number];

/** "not run on its current revision"; with many, "… on their current revision". */
export function approvalBlockText(block: ApprovalBlock, many = false): string {
  const its = many ? "their" : "its";
  return { not_run: `not run on ${its} current revision`, old_pack: `run on an older version of ${its} environment pack`, rejected: "rejected by the filter" }[block];
}

/** Why a working-set task is left out of a published version. */
export const EXCLUSION_REASONS = ["stale_review", "not_approved", ...APPROVAL_BLOCKS] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  stale_review: "stale review: approved on an older revision",
  not_approved: "not approved",
  not_run: approvalBlockText("not_run"),
  old_pack: approvalBlockText("old_pack"),
  rejected: approvalBlockText("rejected"),
};
