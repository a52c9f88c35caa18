import type { PublishPlan } from "@/server/datasets/datasets";

/** The exclusions grouped by their message, most common first: "3 stale review: approved on an older revision". */
export function exclusionGroups(
  plan: Pick<PublishPlan, "excluded">,
): Array<{ message: string; count: number; ids: string[] }> {
  const groups = new Map<string, string[]>();
  for (const e of plan.excluded) groups.set(e.message, [...(groups.get(e.message) ?? []), e.id]);
  return [...groups].map(([message, ids]) => ({ message, count: ids.length, ids })).sort((a, b) => b.count - a.count);
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
