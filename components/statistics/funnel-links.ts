import type { FunnelRow } from "@/server/filter/funnel";
import { taskListHref } from "../task-list/list-params";

export type FunnelGroupBy = "batch" | "environment";

/**
 * Where each funnel bar leads: the bar to exactly the tasks it counts (the list's `stage` filter,
 * within the group's batch or environment), and the drop-off beside it to what that stage lost (the
 * tasks not run yet, or the rejection reason that stops a task there): what a curator opens next.
 */
export function funnelLinks(
  by: FunnelGroupBy,
  row: Pick<FunnelRow, "group" | "tasks" | "run" | "verifierLoads" | "solutionPasses" | "accepted">,
) {
  const group = { [by]: row.group };
  return {
    all: taskListHref(group),
    run: {
      href: taskListHref({ ...group, stage: "run" }),
      lost: {
        count: row.tasks - row.run,
        href: taskListHref({ ...group, verdict: "pending" }),
        what: "not run yet",
        short: "not run",
      },
    },
    verifierLoads: {
      href: taskListHref({ ...group, stage: "verifier_loads" }),
      lost: {
        count: row.run - row.verifierLoads,
        href: taskListHref({ ...group, reason: "verifier_invalid" }),
        what: "whose verifier does not load",
        short: "verifier invalid",
      },
    },
    solutionPasses: {
      href: taskListHref({ ...group, stage: "solution_passes" }),
      lost: {
        count: row.verifierLoads - row.solutionPasses,
        href: taskListHref({ ...group, reason: "solution_not_passing" }),
        what: "whose solution does not pass",
        short: "solution not passing",
      },
    },
    accepted: { href: taskListHref({ ...group, stage: "accepted" }), lost: null },
    reason: (reason: string) => taskListHref({ ...group, reason }),
  };
}
