/** A review policy in words: "2 approvals · no rejection · blind · 3 reviewers per task". */
export function policyText(p: { approvals: number; noRejection: boolean; blind: boolean; reviewersPerTask: number }) {
  return [
    `${p.approvals} approval${p.approvals === 1 ? "" : "s"}`,
    p.noRejection ? "no rejection" : "a rejection does not block",
    ...(p.blind ? ["blind"] : []),
    `${p.reviewersPerTask} reviewer${p.reviewersPerTask === 1 ? "" : "s"} per task`,
  ].join(" · ");
}
