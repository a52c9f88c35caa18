// What the reviewers' decisions on a task's current revision add up to (several reviewers per task).

interface Decision {
  decision: string;
  adjudication: boolean;
}

/**
 * The latest adjudication (it settles the task), whether the reviewers disagree, and whether any
 * rejected or asked for an edit: under a "no rejection" policy one objection keeps the task out
 * until a curator adjudicates, so either is a reason to offer adjudication.
 */
export function decisionState(decisions: readonly Decision[]) {
  const votes = decisions.filter((d) => !d.adjudication);
  const adjudication = decisions.find((d) => d.adjudication) ?? null;
  const disagree = new Set(votes.map((d) => d.decision)).size > 1;
  const objected = votes.some((d) => d.decision !== "approved");
  return { adjudication, disagree, objected, toAdjudicate: !adjudication && (disagree || objected) };
}
