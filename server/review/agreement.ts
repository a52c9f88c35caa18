// Inter-reviewer agreement on the statistics page: Cohen's κ when two reviewers rated the tasks,
// Fleiss' κ when more did (in its form for a varying number of raters per task), for the decision
// (approved / rejected / needs edit) and for each label (applied by that reviewer or not). Only
// tasks with decisions from at least two reviewers on their current revision count, and a label
// counts only on those tasks, as the labels of the reviewers who decided there.
import type { Db } from "../db/client";
import { scopeSql, type PolicyScope } from "./review-policy";

/** item → rater → category */
export type Ratings = Map<number, Map<number, string>>;

export interface Kappa {
  method: "cohen" | "fleiss";
  /** Tasks rated by at least two of the raters. */
  items: number;
  /** Observed agreement (share of agreeing rater pairs). */
  observed: number | null;
  /** Agreement expected by chance. */
  expected: number | null;
  /** Null when undefined: every rating in one category (expected = 1), or nothing to compare. */
  kappa: number | null;
}

/** Cohen's κ between raters a and b, over the items both rated. */
export function cohenKappa(ratings: Ratings, a: number, b: number): Kappa {
  const pairs = [...ratings.values()].filter((r) => r.has(a) && r.has(b)).map((r) => [r.get(a)!, r.get(b)!] as const);
  const n = pairs.length;
  if (!n) return { method: "cohen", items: 0, observed: null, expected: null, kappa: null };
  const observed = pairs.filter(([x, y]) => x === y).length / n;
  const cats = new Set(pairs.flat());
  let expected = 0;
  for (const c of cats)
    expected += (pairs.filter(([x]) => x === c).length / n) * (pairs.filter(([, y]) => y === c).length / n);
  return {
    method: "cohen",
    items: n,
    observed,
    expected,
    kappa: expected === 1 ? null : (observed - expected) / (1 - expected),
  };
}

/**
 * Fleiss' κ over the items with at least two ratings: P_i = (Σ_j n_ij² − n_i) / (n_i(n_i − 1)),
 * P̄ their mean, p_j the share of all ratings in category j, P̄e = Σ p_j², κ = (P̄ − P̄e)/(1 − P̄e).
 */
export function fleissKappa(ratings: Ratings): Kappa {
  const items = [...ratings.values()].filter((r) => r.size >= 2);
  if (!items.length) return { method: "fleiss", items: 0, observed: null, expected: null, kappa: null };
  const totals = new Map<string, number>();
  let all = 0;
  let sumP = 0;
  for (const item of items) {
    const counts = new Map<string, number>();
    for (const c of item.values()) counts.set(c, (counts.get(c) ?? 0) + 1);
    const n = item.size;
    sumP += ([...counts.values()].reduce((s, k) => s + k * k, 0) - n) / (n * (n - 1));
    for (const [c, k] of counts) totals.set(c, (totals.get(c) ?? 0) + k);
    all += n;
  }
  const observed = sumP / items.length;
  const expected = [...totals.values()].reduce((s, k) => s + (k / all) ** 2, 0);
  return {
    method: "fleiss",
    items: items.length,
    observed,
    expected,
    kappa: expected === 1 ? null : (observed - expected) / (1 - expected),
  };
}

/** Cohen's κ for two raters, Fleiss' κ for more. */
function agreement(ratings: Ratings, raters: number[]): Kappa {
  return raters.length === 2 ? cohenKappa(ratings, raters[0]!, raters[1]!) : fleissKappa(ratings);
}

const round = (k: Kappa): Kappa => {
  const r = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
  return { ...k, observed: r(k.observed), expected: r(k.expected), kappa: r(k.kappa) };
};

/** Agreement over a dataset's working set, a batch, or every task. */
export async function getAgreement({ db, ...scope }: PolicyScope & { db: Db }) {
  const decisions = await db.prisma.$queryRaw<Array<{ task_id: number; user_id: number; decision: string }>>`
    with rated as (
      select d.task_id, d.user_id, d.decision::text as decision, count(*) over (partition by d.task_id) as raters
      from review_decisions d join tasks t on t.id = d.task_id and d.revision_id = t.current_revision_id
      where not d.adjudication and ${scopeSql(scope)}
    )
    select task_id, user_id, decision from rated where raters >= 2`;
  const ratings: Ratings = new Map();
  for (const d of decisions) {
    if (!ratings.has(d.task_id)) ratings.set(d.task_id, new Map());
    ratings.get(d.task_id)!.set(d.user_id, d.decision);
  }
  const raterIds = [...new Set(decisions.map((d) => d.user_id))].sort((a, b) => a - b);
  const raters = await db.prisma.user.findMany({
    where: { id: { in: raterIds } },
    select: { id: true, name: true, email: true },
    orderBy: { id: "asc" },
  });
  const taskIds = [...ratings.keys()];
  const votes = await db.prisma.labelVote.findMany({
    where: { taskId: { in: taskIds } },
    select: { taskId: true, userId: true, labelId: true },
  });
  const labels = await db.prisma.label.findMany({
    where: { id: { in: [...new Set(votes.map((v) => v.labelId))] } },
    select: { id: true, name: true },
    orderBy: { id: "asc" },
  });
  const perLabel = labels.map((label) => {
    const has = new Set(votes.filter((v) => v.labelId === label.id).map((v) => `${v.taskId}:${v.userId}`));
    const byItem: Ratings = new Map(
      [...ratings].map(([task, rs]) => [
        task,
        new Map([...rs.keys()].map((u) => [u, has.has(`${task}:${u}`) ? "yes" : "no"])),
      ]),
    );
    return { labelId: label.id, name: label.name, applied: has.size, ...round(agreement(byItem, raterIds)) };
  });
  const pairs = [];
  for (let i = 0; i < raterIds.length; i++) {
    for (let j = i + 1; j < raterIds.length; j++) {
      const k = cohenKappa(ratings, raterIds[i]!, raterIds[j]!);
      if (k.items) pairs.push({ a: raterIds[i]!, b: raterIds[j]!, ...round(k) });
    }
  }
  return { raters, items: ratings.size, decision: round(agreement(ratings, raterIds)), labels: perLabel, pairs };
}
