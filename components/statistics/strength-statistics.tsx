"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { taskListHref } from "../task-list/list-params";
import { useTRPC } from "../trpc";
import { Section } from "../ui/section";
import { Table, TD, TH, THead, TR } from "../ui/table";
import type { FunnelGroupBy } from "./funnel-links";

const linkClass = "text-sky-700 hover:underline dark:text-sky-400";

/**
 * How many accepted tasks have a verifier that let a variant of the solution through (suspected
 * lenient), per environment or batch, and how many were fixed (an earlier revision leaked, the current
 * one does not). Counts open the list filtered to those tasks.
 */
export function StrengthStatistics({ by }: { by: FunnelGroupBy }) {
  const trpc = useTRPC();
  // The same query as the charts below: one request for both.
  const stats = useQuery(trpc.stats.statistics.queryOptions({ days: 30 }));
  const s = stats.data?.strength;
  if (!s) return null;
  const rows = by === "environment" ? s.byEnvironment : s.byBatch;
  const checked = s.total.accepted - s.total.unchecked;
  return (
    <Section title="Verifier strength (accepted tasks)" aria-label="Verifier strength">
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="strength-total">
        <Link className={linkClass} href={taskListHref({ strength: "lenient" })} data-testid="lenient-total">
          <strong className="tabular-nums">{s.total.lenient.toLocaleString()}</strong> suspected lenient
        </Link>{" "}
        of {checked.toLocaleString()} checked ({s.total.accepted.toLocaleString()} accepted;{" "}
        <Link className={linkClass} href={taskListHref({ verdict: "accepted", strength: "unchecked" })}>
          {s.total.unchecked.toLocaleString()} not checked yet
        </Link>
        ) · <strong className="tabular-nums">{s.total.fixed.toLocaleString()}</strong> fixed: an earlier revision
        leaked, the current one does not.
      </p>
      {rows.length ? (
        <Table aria-label={`Verifier strength per ${by}`}>
          <THead>
            <TH>{by === "environment" ? "Environment" : "Batch"}</TH>
            <TH numeric>Accepted</TH>
            <TH numeric>Checked</TH>
            <TH numeric>Suspected lenient</TH>
            <TH numeric>Flaky</TH>
            <TH numeric>Unread writes</TH>
            <TH numeric>No leak found</TH>
            <TH numeric>Fixed</TH>
          </THead>
          <tbody>
            {rows.map((r) => {
              const group = { [by]: r.key };
              const count = (n: number, strength: string, testId?: string) =>
                n ? (
                  <Link className={linkClass} href={taskListHref({ ...group, strength })} data-testid={testId}>
                    {n.toLocaleString()}
                  </Link>
                ) : (
                  <span className="text-zinc-400">0</span>
                );
              return (
                <TR key={r.key} data-testid="strength-row">
                  <TD>
                    <Link className={linkClass} href={taskListHref({ ...group, verdict: "accepted" })}>
                      {r.key}
                    </Link>
                  </TD>
                  <TD numeric>{r.accepted.toLocaleString()}</TD>
                  <TD numeric>{(r.accepted - r.unchecked).toLocaleString()}</TD>
                  <TD numeric className="font-medium">
                    {count(r.lenient, "lenient", "lenient-count")}
                  </TD>
                  <TD numeric>{count(r.flaky, "flaky")}</TD>
                  <TD numeric>{count(r.unreadWrites, "unread_writes")}</TD>
                  <TD numeric>{count(r.strong, "strong")}</TD>
                  <TD numeric>{r.fixed.toLocaleString()}</TD>
                </TR>
              );
            })}
          </tbody>
        </Table>
      ) : (
        <p className="text-xs text-zinc-500">No accepted task yet.</p>
      )}
    </Section>
  );
}
