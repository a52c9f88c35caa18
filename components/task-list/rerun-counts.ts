import type { RerunProgress } from "@/server/filter/rerun-progress";

/**
 * What a rerun's progress says: how many tasks it ran (finished or could not run) out of how many,
 * and how many were cancelled before they ran. A cancelled run is not progress: a rerun cancelled
 * after 46 of 269 tasks shows 46 done and 223 cancelled, not 269/269 and a full bar.
 */
export function rerunCounts(r: Pick<RerunProgress, "taskCount" | "runs" | "finished" | "cancelled">) {
  const ran = r.runs.done + r.runs.failed;
  const total = r.taskCount;
  const pct = total ? Math.round((100 * ran) / total) : 100;
  const cancelledPct = total ? Math.round((100 * r.runs.cancelled) / total) : 0;
  const text = r.runs.cancelled
    ? `${ran.toLocaleString()} done · ${r.runs.cancelled.toLocaleString()} cancelled of ${total.toLocaleString()} tasks`
    : `${ran.toLocaleString()}/${total.toLocaleString()} tasks`;
  return { ran, total, pct, cancelledPct, text };
}

/** How long a finished rerun stays on screen: long enough to read its result. */
const FINISHED_SHOWN_MS = 2 * 60_000;

/**
 * The reruns to show: every one still running, and the ones that finished in the last two minutes
 * (a small rerun that ends while a big one runs must still show its result).
 */
export function visibleReruns<R extends Pick<RerunProgress, "finished" | "createdAt" | "seconds">>(
  reruns: R[],
  now: number,
): R[] {
  return reruns.filter(
    (r) => !r.finished || now - (new Date(r.createdAt).getTime() + r.seconds * 1000) < FINISHED_SHOWN_MS,
  );
}
