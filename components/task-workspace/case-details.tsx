"use client";
import type { StateDiff } from "@/server/sandbox/types";
import { StateDiffBeside, StateDiffView } from "../strength/state-diff";
import type { RouterOutputs } from "../trpc";
import { Table, TD, TR } from "../ui/table";
import { readCaseErrors, readToolCalls, type CaseErrorInfo } from "./case-errors";

export type RunCase = NonNullable<RouterOutputs["filter"]["taskRuns"]["shown"]>["cases"][number];

function Pre({ children, label }: { children: string; label: string }) {
  return (
    <div className="flex flex-col gap-0.5">
      <span className="text-[11px] uppercase tracking-wide text-zinc-500">{label}</span>
      <pre className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] whitespace-pre-wrap dark:bg-zinc-900">
        {children}
      </pre>
    </div>
  );
}

export function ErrorBlock({ err, label }: { err: CaseErrorInfo; label: string }) {
  return <Pre label={label}>{`${err.type}: ${err.message}${err.traceback ? `\n\n${err.traceback}` : ""}`}</Pre>;
}

/**
 * Everything one case did: errors with tracebacks, what verify returned, what it changed in the state
 * (a failure case's beside the solution's), tool calls, messages, output.
 */
export function CaseDetails({ c, solutionDiff }: { c: RunCase; solutionDiff?: StateDiff | null }) {
  const err = readCaseErrors(c.error);
  const calls = readToolCalls(c.toolCalls);
  return (
    <div className="flex flex-col gap-2 p-2">
      {err.verify ? <ErrorBlock err={err.verify} label="verify raised" /> : null}
      {err.case ? <ErrorBlock err={err.case} label="the case raised (verify still ran)" /> : null}
      {c.returnRepr !== null ? <Pre label="verify returned">{c.returnRepr}</Pre> : null}
      {c.role === "failure" && solutionDiff !== undefined ? (
        <StateDiffBeside diff={c.stateDiff} solution={solutionDiff} label="this case's state changes" />
      ) : (
        <StateDiffView diff={c.stateDiff} />
      )}
      {calls.length ? (
        <div className="flex flex-col gap-0.5">
          <span className="text-[11px] uppercase tracking-wide text-zinc-500">tool calls ({calls.length})</span>
          <Table className="font-mono text-[11px]" aria-label="Tool calls">
            <tbody>
              {calls.map((t, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a recorded call sequence, never reordered
                <TR key={i}>
                  <TD className="w-6 text-zinc-400">{i + 1}</TD>
                  <TD className="whitespace-nowrap">{t.name}</TD>
                  <TD className="break-all">{JSON.stringify(t.args)}</TD>
                  <TD className={`break-all ${t.error ? "text-amber-700 dark:text-amber-400" : "text-zinc-500"}`}>
                    {t.error ?? t.result}
                  </TD>
                </TR>
              ))}
            </tbody>
          </Table>
        </div>
      ) : (
        <span className="text-[11px] text-zinc-500">No tool calls.</span>
      )}
      {c.messages.length ? (
        <Pre label="respond() messages">{c.messages.map((m, i) => `${i + 1}. ${m}`).join("\n")}</Pre>
      ) : null}
      {c.stdout ? <Pre label="stdout">{c.stdout}</Pre> : null}
      {c.stderr ? <Pre label="stderr">{c.stderr}</Pre> : null}
    </div>
  );
}
