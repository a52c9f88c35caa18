"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { OutcomeBadge, VerdictBadge } from "../badges";
import { when } from "../format";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Select } from "../ui/field";
import { ErrorText } from "../ui/notice";
import { Section } from "../ui/section";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { CaseDetails, ErrorBlock } from "./case-details";
import { readCaseError, readCaseErrors } from "./case-errors";
import { isActive, type TaskRuns } from "./use-task-runs";

/**
 * The CaT filter on this task: rerun it, pick a run, and see every case's expected and actual
 * outcome with why. `latest` is the page's polled query (the newest run); an older run is fetched
 * when picked. The rerun button is for whoever may run the filter (`canRun`).
 */
export function RunMatrix({
  taskId,
  latest,
  canRun,
}: {
  taskId: number;
  latest: TaskRuns | undefined;
  canRun: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [runId, setRunId] = useState<number | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);
  const picked = useQuery({ ...trpc.filter.taskRuns.queryOptions({ taskId, runId }), enabled: runId !== undefined });
  const data = runId !== undefined ? (picked.data ?? latest) : latest;
  const rerun = useMutation(
    trpc.filter.rerun.mutationOptions({
      onSuccess: async () => {
        setRunId(undefined);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.filter.taskRuns.queryKey({ taskId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.filter.recent.queryKey() }),
        ]);
      },
    }),
  );
  const newest = latest?.runs[0];
  const shown = data?.shown;
  const shownRun = data?.runs.find((r) => r.id === shown?.id);
  const busy = rerun.isPending || isActive(newest?.status);
  const verifierError = readCaseError(shown?.verifierError);
  const solutionDiff = shown?.cases.find((c) => c.role === "solution")?.stateDiff ?? null;

  return (
    <Section
      aria-label="Filter runs"
      title="CaT filter"
      actions={
        <>
          {canRun ? (
            <Button
              variant="primary"
              data-testid="rerun-task"
              disabled={busy}
              onClick={() => rerun.mutate({ taskIds: [taskId] })}
              title="Run the solution and every failure case in the sandbox"
            >
              {busy ? (newest?.status === "running" ? "Running…" : "Queued…") : "Rerun in sandbox"}
            </Button>
          ) : null}
          {data && data.runs.length > 1 ? (
            <span className="flex items-center gap-1 text-xs text-zinc-500">
              Run
              <Select
                className="max-w-56"
                aria-label="Filter run shown"
                value={shown?.id ?? ""}
                onChange={(e) => setRunId(Number(e.target.value))}
              >
                {data.runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    #{r.id} · rev {r.revision.number} ·{" "}
                    {r.status === "done"
                      ? `${r.verdictStatus}${r.verdictReason ? ` (${r.verdictReason})` : ""}`
                      : r.status}{" "}
                    · {when(r.createdAt)}
                  </option>
                ))}
              </Select>
            </span>
          ) : null}
        </>
      }
    >
      {rerun.error ? <ErrorText>{rerun.error.message}</ErrorText> : null}
      {!data?.runs.length ? (
        <p className="text-xs text-zinc-500">
          Not run yet: the verdict is pending. Rerun to see every case&apos;s outcome.
        </p>
      ) : null}
      {shownRun ? (
        <div
          className="flex flex-wrap items-center gap-3 text-xs text-zinc-500"
          data-testid="run-summary"
          aria-live="polite"
        >
          <span>Run #{shownRun.id}</span>
          {shownRun.status === "done" ? (
            <VerdictBadge status={shownRun.verdictStatus ?? "pending"} reason={shownRun.verdictReason} />
          ) : (
            <span className="font-medium">{shownRun.status}</span>
          )}
          <span>
            revision {shownRun.revision.number}
            {data && shownRun.revisionId !== data.currentRevisionId ? " (not the current one)" : ""}
          </span>
          {shownRun.pack ? <span title={shownRun.pack.hash}>pack {shownRun.pack.hash.slice(0, 12)}</span> : null}
          {shownRun.durationMs !== null ? <span>{(shownRun.durationMs / 1000).toFixed(2)} s</span> : null}
          {shownRun.error ? <span className="text-rose-600">{shownRun.error}</span> : null}
        </div>
      ) : null}
      {verifierError ? <ErrorBlock err={verifierError} label="the verifier does not load" /> : null}
      {shown?.cases.length ? (
        <Table data-testid="case-matrix">
          <THead>
            <TH>Case</TH>
            <TH>Expected</TH>
            <TH>Actual</TH>
            <TH>Why</TH>
            <TH numeric>Time</TH>
          </THead>
          <tbody>
            {shown.cases.map((c) => {
              const key = `${c.role}-${c.index}`;
              const expected = c.role === "solution" ? "pass" : "fail";
              const ok = c.outcome === expected;
              const err = readCaseErrors(c.error);
              const why = err.verify
                ? `verify raised ${err.verify.type}`
                : err.case
                  ? `case raised ${err.case.type}`
                  : c.returnRepr !== null
                    ? `verify returned ${c.returnRepr.slice(0, 60)}`
                    : "";
              const label = c.role === "solution" ? "Solution" : `Failure case ${c.index + 1}`;
              return (
                <Fragment key={key}>
                  <TR data-testid="case-row" data-ok={ok} className={ok ? "" : "bg-rose-50/60 dark:bg-rose-950/20"}>
                    <TD className="font-medium">
                      <button
                        type="button"
                        className="text-left hover:underline"
                        aria-expanded={open === key}
                        onClick={() => setOpen(open === key ? null : key)}
                      >
                        {label}
                      </button>
                    </TD>
                    <TD>
                      <OutcomeBadge outcome={expected} />
                    </TD>
                    <TD>
                      <OutcomeBadge outcome={c.outcome} />{" "}
                      {ok ? (
                        ""
                      ) : (
                        <span className="text-rose-600">
                          ✗<span className="sr-only">not as expected</span>
                        </span>
                      )}
                    </TD>
                    <TD className="max-w-md truncate font-mono text-[11px] text-zinc-500">{why}</TD>
                    <TD numeric className="text-zinc-500">
                      {c.durationMs} ms
                    </TD>
                  </TR>
                  {open === key ? (
                    <TR>
                      <td colSpan={5}>
                        <CaseDetails c={c} solutionDiff={solutionDiff} />
                      </td>
                    </TR>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </Table>
      ) : null}
    </Section>
  );
}
