"use client";
import { Fragment, useState } from "react";
import { VerdictBadge } from "../badges";
import { StateDiffBeside, StateDiffView } from "../strength/state-diff";
import { Table, TD, TH, THead, TR } from "../ui/table";
import type { TryResult } from "./use-edit-actions";

/**
 * What a Try did: the verdict before → after, and case by case what flipped. A case opens to what it
 * changed in the state (a failure case's beside the solution's).
 */
export function TryResultView({ result }: { result: TryResult }) {
  const [open, setOpen] = useState<string | null>(null);
  const caseOf = (role: string, index: number) => result.cases.find((c) => c.role === role && c.index === index);
  const solutionDiff = caseOf("solution", 0)?.stateDiff ?? null;
  return (
    <div className="flex flex-col gap-1.5" data-testid="try-result" aria-live="polite">
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <span className="text-zinc-500">Verdict</span>
        {result.before ? (
          <VerdictBadge status={result.before.status} reason={result.before.reason} />
        ) : (
          <span className="text-zinc-500">not run before</span>
        )}
        <span>→</span>
        <VerdictBadge status={result.after.status} reason={result.after.reason} />
      </div>
      {result.verifierError ? (
        <p className="font-mono text-[11px] text-rose-600">
          The verifier does not load: {result.verifierError.type}: {result.verifierError.message}
          {result.verifierError.line ? ` (line ${result.verifierError.line})` : ""}
        </p>
      ) : null}
      <Table>
        <THead>
          <TH>Case</TH>
          <TH>Expected</TH>
          <TH>Before → after</TH>
        </THead>
        <tbody>
          {result.flips.map((f) => {
            const key = `${f.role}-${f.index}`;
            const label = f.role === "solution" ? "Solution" : `Failure case ${f.index + 1}`;
            const diff = caseOf(f.role, f.index)?.stateDiff ?? null;
            return (
              <Fragment key={key}>
                <TR
                  data-testid="flip-row"
                  data-flipped={f.flipped}
                  className={f.flipped ? "bg-sky-50 dark:bg-sky-950/30" : ""}
                  title={f.error ?? undefined}
                >
                  <TD>
                    <button
                      type="button"
                      className="text-left hover:underline"
                      aria-expanded={open === key}
                      onClick={() => setOpen(open === key ? null : key)}
                    >
                      {label}
                    </button>
                  </TD>
                  <TD>{f.expected}</TD>
                  <TD className="font-mono">
                    {f.before ?? "—"} →{" "}
                    <span
                      className={f.after === f.expected ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600"}
                    >
                      {f.after}
                    </span>
                    {f.flipped ? <span className="ml-1 font-sans text-sky-700 dark:text-sky-400">flipped</span> : null}
                  </TD>
                </TR>
                {open === key ? (
                  <TR>
                    <td colSpan={3} className="p-2">
                      {f.error ? <p className="mb-1 font-mono text-[11px] text-rose-600">{f.error}</p> : null}
                      {f.role === "failure" ? (
                        <StateDiffBeside diff={diff} solution={solutionDiff} label="this case's state changes" />
                      ) : (
                        <StateDiffView diff={diff} />
                      )}
                    </td>
                  </TR>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </Table>
    </div>
  );
}
