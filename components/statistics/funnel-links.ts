import type { FunnelRow } from "@/server/filter/funnel";
import { taskListHref } from "../task-list/list-params";

export type FunnelGroupBy = "batch" | "environment";

/**
 * Where each funnel bar leads. The list filters on one verdict or one reason, so a bar links to the
 * tasks it counts when one filter says that (the accepted ones), and otherwise to the tasks that
 * stage lost (the rejected reason that stops a task there): those are what a curator opens next.
 */
export function funnelLinks(
  by: FunnelGroupBy,
  row: Pick<FunnelRow, "group" | "tasks" | "run" | "verifierLoads" | "solutionPasses" | "accepted">,
) {
  const group = { [by]: row.group };
  return {
    all: taskListHref(group),
    run: {
      href: taskListHref({ ...group, verdict: "pending" }),
      lost: row.tasks - row.run,
      what: "not run yet",
      short: "not run",
    },
    verifierLoads: {
      href: taskListHref({ ...group, reason: "verifier_invalid" }),
      lost: row.run - row.verifierLoads,
      what: "whose verifier does not load",
      short: "verifier invalid",
    },
    solutionPasses: {
      href: taskListHref({ ...group, reason: "solution_not_passing" }),
      lost: row.verifierLoads - row.solutionPasses,
      what: "whose solution does not pass",
      short: "solution not passing",
    },
    accepted: {
      href: taskListHref({ ...group, verdict: "accepted" }),
      lost: null,
      what: "accepted",
      short: "accepted",
    },
    reason: (reason: string) => taskListHref({ ...group, reason }),
  };
}
