"use client";
import { Button } from "../ui/button";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { pythonPath } from "./paths";
import type { Probe } from "./use-task-strength";

/** Delta rows shown per leak (the server keeps every difference it could see in both bounded diffs). */
const SHOWN = 10;

/**
 * One variant the verifier passed although it ends elsewhere than the solution: its code, where its
 * final state differs from the solution's, what it said, and (for curators) adding it as a failure case.
 */
export function LeakCard({
  probe,
  onAdd,
  adding,
  added,
}: {
  probe: Probe;
  /** Absent below the curator role. */
  onAdd?: () => void;
  adding?: boolean;
  /** It is a failure case of the current revision already. */
  added?: boolean;
}) {
  const delta = probe.delta ?? [];
  const hidden = delta.length - Math.min(delta.length, SHOWN);
  return (
    <li
      className="flex flex-col gap-1.5 rounded border border-rose-200 p-2 dark:border-rose-900/60"
      data-testid="leak"
      aria-label={`Leak: ${probe.label}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs font-medium">{probe.label}</span>
        <span className="text-[11px] text-zinc-500">
          {probe.kind} · verify returned {probe.outcome}
        </span>
        {onAdd ? (
          <Button
            size="sm"
            variant="warn"
            className="ml-auto"
            disabled={adding || added}
            onClick={onAdd}
            title="Append this variant to the failure cases as a new revision, and rerun the filter"
          >
            {added ? "Is a failure case" : adding ? "Adding…" : "Add as failure case"}
          </Button>
        ) : null}
      </div>
      <pre
        className="max-h-48 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] whitespace-pre-wrap dark:bg-zinc-900"
        data-testid="leak-code"
      >
        {probe.code || "# (the empty program)"}
      </pre>
      {delta.length ? (
        <Table className="font-mono text-[11px]" aria-label="Where it differs from the solution">
          <THead>
            <TH>Differs at</TH>
            <TH>Solution</TH>
            <TH>This variant</TH>
          </THead>
          <tbody>
            {delta.slice(0, SHOWN).map((d) => (
              <TR key={JSON.stringify(d.path)} data-testid="leak-delta">
                <TD className="break-all">{pythonPath(d.path)}</TD>
                <TD className="break-all text-emerald-700 dark:text-emerald-400">{d.solution ?? "(absent)"}</TD>
                <TD className="break-all text-rose-700 dark:text-rose-400">{d.variant ?? "(absent)"}</TD>
              </TR>
            ))}
          </tbody>
        </Table>
      ) : (
        <span className="text-[11px] text-zinc-500">Same final state as the solution; its answer differs.</span>
      )}
      {hidden > 0 || probe.deltaTruncated ? (
        <span className="text-[11px] text-zinc-500">
          … {hidden > 0 ? `${hidden} more ${hidden === 1 ? "difference" : "differences"}` : "more differences"}
          {probe.deltaTruncated ? " (a state diff was cut: there may be others)" : ""}
        </span>
      ) : null}
      {probe.messages?.length ? (
        <p className="text-[11px] text-zinc-500">
          It said: <span className="font-mono">{probe.messages.join(" · ")}</span>
        </p>
      ) : null}
    </li>
  );
}
