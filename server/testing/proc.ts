// Linux's process table, for the tests and benchmarks that watch what a worker or a sandbox spawned.
import fs from "node:fs";

/** The parent of `pid`, or null once it is gone. The command name in /proc/PID/stat may hold spaces and parentheses, so fields are read after its last ")". */
export function parentPid(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Whether `pid` has exited: gone from the table, or a zombie waiting to be reaped. */
export function processGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** Whether `pid` is `root` or one of its descendants. */
export function inProcessTree(root: number, pid: number): boolean {
  for (let p: number | null = pid; p !== null && p > 1; p = parentPid(p)) if (p === root) return true;
  return false;
}
