import { type ExclusionReason, exclusionText, type PolicyExclusion } from "@/lib/review";
import type { PublishPlan } from "@/server/datasets/datasets";

/**
 * The exclusions grouped by reason, most common first, each with the reason's words (lib/review.ts)
 * and its tasks. A task's own message says more where it has more to say ("awaiting reviews: 1 of
 * 2 approvals …"): `detail` carries it then.
 */
export function exclusionGroups(plan: Pick<PublishPlan, "excluded">): Array<{
  reason: ExclusionReason | PolicyExclusion;
  text: string;
  count: number;
  tasks: Array<{ id: string; detail: string | null }>;
}> {
  const groups = new Map<ExclusionReason | PolicyExclusion, Array<{ id: string; detail: string | null }>>();
  for (const e of plan.excluded) {
    const detail = e.message === exclusionText(e.reason) ? null : e.message;
    groups.set(e.reason, [...(groups.get(e.reason) ?? []), { id: e.id, detail }]);
  }
  return [...groups]
    .map(([reason, tasks]) => ({ reason, text: exclusionText(reason), count: tasks.length, tasks }))
    .sort((a, b) => b.count - a.count);
}

/** "+3 added · −1 removed · 2 changed against v4", or that this is the first version. */
export function changesText(changes: PublishPlan["changes"]): string {
  if (changes.previous === null) return "the first version";
  return `+${changes.added} added · −${changes.removed} removed · ${changes.changed} changed against v${changes.previous}`;
}

/** Why each working-set task would be left out, by task id (for the working-set table's column). */
export function exclusionMap(plan: Pick<PublishPlan, "excluded" | "excludedCount">): {
  byExternalId: Map<string, string>;
  complete: boolean;
} {
  return {
    byExternalId: new Map(plan.excluded.map((e) => [e.id, e.message])),
    complete: plan.excluded.length === plan.excludedCount,
  };
}
