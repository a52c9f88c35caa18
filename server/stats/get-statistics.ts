// Numbers for the statistics page: the funnel per dataset version, the label distribution, what
// human edits did to verdicts, reviewer throughput over time, and the verifier strength of accepted tasks.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { funnelOf, tallyVerdict } from "../filter/funnel";

/** Accepted tasks by the strength of their current revision, and how many of them were fixed. */
interface StrengthTally {
  accepted: number;
  unchecked: number;
  strong: number;
  unreadWrites: number;
  flaky: number;
  /** Suspected lenient: a variant leaked. */
  lenient: number;
  /** An earlier revision's check found leaks; the current revision's found none. */
  fixed: number;
}
interface StrengthRow extends StrengthTally {
  key: string;
}

/**
 * One pass over the accepted tasks, grouped per environment and per batch (a task counts in every
 * batch it belongs to). "Fixed" looks for an earlier revision's leaking check only for the tasks
 * whose current check found no leak, through the (task_id, id) index.
 */
async function strengthStatistics(db: Db) {
  const tally = (by: "environment" | "batch") => db.prisma.$queryRaw<StrengthRow[]>`
    with accepted as (
      select t.id, t.environment_id, t.strength,
             (cur.leaks = 0 and exists (
               select 1 from strength_checks s where s.task_id = t.id and s.revision_id <> t.current_revision_id
                 and s.status = 'done' and s.leaks > 0)) as fixed
      from tasks t left join strength_checks cur on cur.id = t.strength_check_id
      where t.verdict_status = 'accepted'
    )
    select ${by === "environment" ? Prisma.sql`e.name` : Prisma.sql`b.name`} as key, count(*)::int as accepted,
           count(*) filter (where a.strength = 'unchecked')::int as unchecked, count(*) filter (where a.strength = 'strong')::int as strong,
           count(*) filter (where a.strength = 'unread_writes')::int as "unreadWrites", count(*) filter (where a.strength = 'flaky')::int as flaky,
           count(*) filter (where a.strength = 'lenient')::int as lenient, count(*) filter (where a.fixed)::int as fixed
    from accepted a ${
      by === "environment"
        ? Prisma.sql`join environments e on e.id = a.environment_id`
        : Prisma.sql`join task_batches tb on tb.task_id = a.id join import_batches b on b.id = tb.batch_id`
    }
    group by 1 order by 1`;
  const [byEnvironment, byBatch] = await Promise.all([tally("environment"), tally("batch")]);
  const total: StrengthTally = {
    accepted: 0,
    unchecked: 0,
    strong: 0,
    unreadWrites: 0,
    flaky: 0,
    lenient: 0,
    fixed: 0,
  };
  for (const r of byEnvironment) for (const k of Object.keys(total) as Array<keyof StrengthTally>) total[k] += r[k];
  return { total, byEnvironment, byBatch };
}

export async function getStatistics({ db, days = 30 }: { db: Db; days?: number }) {
  const [labels, edits, throughput, datasets, overrides, strength] = await Promise.all([
    db.prisma.$queryRaw<Array<{ name: string; color: string | null; n: number }>>`
      select l.name, l.color, count(tl.task_id)::int as n from labels l left join task_labels tl on tl.label_id = l.id group by l.id order by l.id`,
    // For tasks a human edited: the verdict of the imported revision's latest run, against now.
    db.prisma.$queryRaw<Array<{ before: string | null; after: string; n: number }>>`
      select b.verdict_status::text as before, t.verdict_status::text as after, count(*)::int as n
      from tasks t
      left join lateral (
        select f.verdict_status from filter_runs f join task_revisions r on r.id = f.revision_id
        where f.task_id = t.id and f.status = 'done' and r.source = 'import' order by f.id desc limit 1
      ) b on true
      where t.edited_by_human
      group by 1, 2`,
    db.prisma.$queryRaw<Array<{ day: string; user: string; kind: string; n: number }>>`
      select to_char(date_trunc('day', e.created_at), 'YYYY-MM-DD') as day, u.name as user,
             case when e.kind = 'status' then e.to_status::text else e.kind::text end as kind, count(*)::int as n
      from review_events e join users u on u.id = e.user_id
      where e.created_at > now() - make_interval(days => ${days}::int)
      group by 1, 2, 3 order by 1`,
    db.prisma.$queryRaw<
      Array<{ dataset: string; version: number; status: string; reason: string | null; overrides: number; n: number }>
    >`
      select d.name as dataset, v.number as version, i.verdict->>'status' as status, i.verdict->>'reason' as reason,
             count(*) filter (where i.review->'override' is not null and i.review->>'override' <> 'null')::int as overrides, count(*)::int as n
      from dataset_versions v join datasets d on d.id = v.dataset_id join dataset_version_items i on i.version_id = v.id
      where v.number = (select max(number) from dataset_versions v2 where v2.dataset_id = v.dataset_id)
      group by 1, 2, 3, 4`,
    db.prisma.task.count({ where: { reviewOverride: { not: null } } }),
    strengthStatistics(db),
  ]);
  const edit = { edited: 0, rescued: 0, newlyRejected: 0, unchanged: 0, notRunBefore: 0, pendingNow: 0 };
  for (const e of edits) {
    edit.edited += e.n;
    if (e.before === null) edit.notRunBefore += e.n;
    else if (e.after === "pending") edit.pendingNow += e.n;
    else if (e.before === "rejected" && e.after === "accepted") edit.rescued += e.n;
    else if (e.before === "accepted" && e.after === "rejected") edit.newlyRejected += e.n;
    else edit.unchanged += e.n;
  }
  const perDay = new Map<string, Record<string, number>>();
  for (const t of throughput) {
    const row = perDay.get(t.day) ?? {};
    row[t.kind] = (row[t.kind] ?? 0) + t.n;
    perDay.set(t.day, row);
  }
  const funnels = new Map<
    string,
    {
      version: number;
      tasks: number;
      run: number;
      accepted: number;
      overrides: number;
      byReason: Record<string, number>;
    }
  >();
  for (const r of datasets) {
    const t = funnels.get(r.dataset) ?? {
      version: r.version,
      tasks: 0,
      run: 0,
      accepted: 0,
      overrides: 0,
      byReason: {},
    };
    funnels.set(r.dataset, t);
    tallyVerdict(t, r.status, r.reason, r.n);
    t.overrides += r.overrides;
  }
  const labelled = (name: string) => labels.find((l) => l.name === name)?.n ?? 0;
  return {
    labels,
    edits: edit,
    // Every task a reviewer labelled a false positive, and separately the edits that turned an
    // accepted task into a rejected one (a stricter verifier that the failure cases now catch).
    falsePositives: { labelled: labelled("false positive"), flippedByEdit: edit.newlyRejected },
    overrides,
    reviewers: [...new Set(throughput.map((t) => t.user))],
    throughput: [...perDay.entries()].map(([day, counts]) => ({ day, ...counts })),
    datasets: [...funnels.entries()].map(([dataset, t]) => ({
      dataset,
      version: t.version,
      tasks: t.tasks,
      overrides: t.overrides,
      ...funnelOf(t.run, t.accepted, t.byReason),
    })),
    // Accepted tasks by verifier strength (server/strength), per environment and per batch.
    strength,
  };
}
