// A strength check in a few numbers: what the task list, the exports and the API carry.
import type { StrengthStatus } from "@/lib/strength";
import type { StrengthReport } from "../sandbox";

/** The task's strength from its check: leaks found > flaky > writes verify never reads > strong. */
export function strengthStatusOf(
  r: Pick<StrengthReport, "leaks" | "flaky" | "unreadWrites">,
): Exclude<StrengthStatus, "unchecked"> {
  if (r.leaks > 0) return "lenient";
  if (r.flaky) return "flaky";
  if (r.unreadWrites?.length) return "unread_writes";
  return "strong";
}

/** `"strength"` of an export line and of GET /tasks/{taskId}: null when the revision was not checked. */
export interface StrengthSummary {
  variants: number;
  leaks: number;
  unreadWrites: string[];
  flaky: boolean;
}

export function strengthSummary(
  row:
    | {
        variants: number | null;
        leaks: number | null;
        flaky: boolean | null;
        unread_writes?: unknown;
        unreadWrites?: unknown;
      }
    | null
    | undefined,
): StrengthSummary | null {
  if (!row || row.variants === null) return null;
  const unread = row.unread_writes ?? row.unreadWrites;
  return {
    variants: row.variants,
    leaks: row.leaks ?? 0,
    unreadWrites: Array.isArray(unread) ? unread.filter((p): p is string => typeof p === "string") : [],
    flaky: row.flaky === true,
  };
}
