// Where a worker's filter runs spend their time, for `npm run bench:filter`: with CAT_FILTER_PROFILE
// set, one JSON line per run (and one when the worker starts) is appended to that file. Off by
// default; a line is a few hundred bytes written synchronously, so it cannot reorder or lose one.
import fs from "node:fs";
import { serverEnv } from "../env";

export function profiling(): boolean {
  return !!serverEnv().filterProfile;
}

export function profileLine(line: Record<string, unknown>): void {
  const file = serverEnv().filterProfile;
  if (!file) return;
  try {
    fs.appendFileSync(file, JSON.stringify({ ...line, at: Date.now() }) + "\n");
  } catch {
    /* a profile is never worth failing a job for */
  }
}
