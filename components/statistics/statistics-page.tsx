"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Page, PageHeader } from "../ui/section";
import { Funnel } from "./funnel";
import type { FunnelGroupBy } from "./funnel-links";
import { StatisticsCharts } from "./statistics-charts";
import { StrengthStatistics } from "./strength-statistics";

export function StatisticsPage() {
  const trpc = useTRPC();
  const [by, setBy] = useState<FunnelGroupBy>("environment");
  const funnel = useQuery(trpc.stats.funnel.queryOptions({ by }));
  return (
    <Page>
      <PageHeader
        title="Statistics"
        actions={
          <div className="flex" role="tablist" aria-label="Group the funnel">
            {(["environment", "batch"] as const).map((b) => (
              <Button
                key={b}
                role="tab"
                size="sm"
                aria-selected={by === b}
                className={`rounded-none first:rounded-l last:rounded-r ${by === b ? "bg-zinc-200 dark:bg-zinc-800" : ""}`}
                onClick={() => setBy(b)}
              >
                per {b}
              </Button>
            ))}
          </div>
        }
        description={
          <span className="text-xs">
            As in Zhou et al. (2025), Table 4: of the tasks run, the share whose verifier loads, whose example solution
            also passes, and whose verifier also rejects every failure case. Each task counts with its latest verdict; a
            task counts in every batch whose import created or revised it. Every bar and count opens the tasks behind
            it.
          </span>
        }
      />
      {funnel.data?.map((row) => (
        <Funnel key={row.group} row={row} by={by} />
      ))}
      {funnel.data?.length === 0 ? <p className="text-zinc-500">No tasks yet.</p> : null}
      <StrengthStatistics by={by} />
      <StatisticsCharts />
    </Page>
  );
}
