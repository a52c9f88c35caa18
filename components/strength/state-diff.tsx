"use client";
import { useState } from "react";
import type { StateChange, StateDiff } from "@/server/sandbox/types";
import { Button } from "../ui/button";
import { differingChanges, missingChanges, pathKey, pythonPath } from "./paths";

/** Rows shown before "… N more changes" (the sandbox itself keeps at most 50 and counts the rest). */
const SHOWN = 8;

function Change({ e, marked }: { e: StateChange; marked: boolean }) {
  return (
    <li
      data-testid="state-change"
      data-op={e.op}
      className={`flex flex-col gap-0.5 px-1.5 py-1 ${marked ? "bg-amber-50 dark:bg-amber-950/30" : ""}`}
    >
      <span className="break-all font-mono text-[11px] text-zinc-700 dark:text-zinc-300">
        {marked ? (
          <span className="mr-1 text-amber-700 dark:text-amber-400" title="Not what the solution did here">
            ≠
          </span>
        ) : null}
        {pythonPath(e.path)}
        {e.op !== "changed" ? <span className="ml-1 font-sans text-zinc-500">({e.op})</span> : null}
      </span>
      <span className="break-all font-mono text-[11px]">
        {e.op === "added" ? (
          <span className="text-emerald-700 dark:text-emerald-400">+ {e.after}</span>
        ) : e.op === "removed" ? (
          <span className="text-rose-700 line-through dark:text-rose-400">− {e.before}</span>
        ) : (
          <>
            <span className="text-rose-700 dark:text-rose-400">{e.before}</span>
            <span className="px-1 text-zinc-400">→</span>
            <span className="text-emerald-700 dark:text-emerald-400">{e.after}</span>
          </>
        )}
      </span>
    </li>
  );
}

/**
 * What a case changed against the pristine state: each path with before → after, added and removed
 * keys. A few are shown, then "… N more changes" (the ones kept here open on click; the sandbox's own
 * cut is only counted). `marked` paths (keys from paths.ts) are highlighted as differing from the solution.
 */
export function StateDiffView({
  diff,
  label = "state changes",
  marked,
  testId = "state-diff",
}: {
  diff: StateDiff | null | undefined;
  label?: string;
  marked?: Set<string>;
  testId?: string;
}) {
  const [all, setAll] = useState(false);
  const heading = <span className="text-[11px] uppercase tracking-wide text-zinc-500">{label}</span>;
  if (!diff)
    return (
      <div className="flex flex-col gap-0.5" data-testid={testId}>
        {heading}
        <span className="text-[11px] text-zinc-500">Not recorded (the verifier never got this case&apos;s state).</span>
      </div>
    );
  const total = diff.entries.length + diff.more;
  const shown = all ? diff.entries : diff.entries.slice(0, SHOWN);
  const hidden = diff.entries.length - shown.length;
  const more = hidden + diff.more;
  return (
    <div className="flex min-w-0 flex-col gap-0.5" data-testid={testId}>
      <span className="text-[11px] uppercase tracking-wide text-zinc-500">
        {label} ({total})
      </span>
      {total === 0 ? (
        <span className="text-[11px] text-zinc-500">No change to the state.</span>
      ) : (
        <ul className="divide-y divide-zinc-100 rounded bg-zinc-50 dark:divide-zinc-800 dark:bg-zinc-900">
          {shown.map((e) => (
            <Change key={pathKey(e.path)} e={e} marked={marked?.has(pathKey(e.path)) ?? false} />
          ))}
        </ul>
      )}
      {more > 0 ? (
        <span className="text-[11px] text-zinc-500" data-testid="state-diff-more">
          … {more} more {more === 1 ? "change" : "changes"}
          {hidden > 0 ? (
            <Button variant="link" size="xs" className="ml-1" onClick={() => setAll(true)}>
              show {hidden} more
            </Button>
          ) : null}
          {all && diff.more > 0 ? " (not recorded: the sandbox keeps the first 50)" : ""}
        </span>
      ) : null}
    </div>
  );
}

/**
 * A failure case's (or a variant's) changes beside the solution's, with what differs marked on both
 * sides and the solution's changes the case never made listed: what a reviewer reads to see why a
 * verifier should (or did not) tell them apart.
 */
export function StateDiffBeside({
  diff,
  solution,
  label,
}: {
  diff: StateDiff | null | undefined;
  solution: StateDiff | null | undefined;
  label: string;
}) {
  const mine = diff ?? null;
  const theirs = solution ?? null;
  const missing = missingChanges(mine, theirs);
  return (
    <div className="@container" data-testid="state-diff-beside">
      <div className="grid gap-2 @lg:grid-cols-2">
        <StateDiffView diff={mine} label={label} marked={differingChanges(mine, theirs)} />
        <StateDiffView
          diff={theirs}
          label="the solution's state changes"
          marked={differingChanges(theirs, mine)}
          testId="solution-state-diff"
        />
      </div>
      {missing.length ? (
        <p className="mt-1 text-[11px] text-zinc-500" data-testid="missing-changes">
          Not made by this case: <span className="font-mono">{missing.map((e) => pythonPath(e.path)).join(", ")}</span>
        </p>
      ) : null}
    </div>
  );
}
