"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect, useRef, useState } from "react";
import { VerdictBadge } from "./badges";
import { useTRPC, type RouterOutputs } from "./trpc";

type Runs = RouterOutputs["filter"]["taskRuns"];
type Case = NonNullable<Runs["shown"]>["cases"][number];
interface CaseErr {
  type: string;
  message: string;
  traceback: string;
  line?: number;
}

const OUTCOME_STYLE: Record<string, string> = {
  pass: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300",
  fail: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  error: "bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-300",
  timeout: "bg-purple-100 text-purple-800 dark:bg-purple-900/50 dark:text-purple-300",
};

function Outcome({ outcome }: { outcome: string }) {
  return <span className={`inline-block rounded px-1.5 py-0.5 text-[11px] font-medium leading-none ${OUTCOME_STYLE[outcome] ?? ""}`}>{outcome}</span>;
}

function Pre({ children, label }: { children: string; label: string }) {
  return (
    <div className="flex flex-col gap-0.5">
      <span className="text-[11px] uppercase tracking-wide text-zinc-500">{label}</span>
      <pre className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] whitespace-pre-wrap dark:bg-zinc-900">{children}</pre>
    </div>
  );
}

function ErrorBlock({ err, label }: { err: CaseErr; label: string }) {
  return <Pre label={label}>{`${err.type}: ${err.message}${err.traceback ? `\n\n${err.traceback}` : ""}`}</Pre>;
}

function CaseDetails({ c }: { c: Case }) {
  const err = c.error as { case: CaseErr | null; verify: CaseErr | null } | null;
  const calls = c.toolCalls as Array<{ name: string; args: unknown; result?: string; error?: string }>;
  return (
    <div className="flex flex-col gap-2 p-2">
      {err?.verify ? <ErrorBlock err={err.verify} label="verify raised" /> : null}
      {err?.case ? <ErrorBlock err={err.case} label="the case raised (verify still ran)" /> : null}
      {c.returnRepr !== null ? <Pre label="verify returned">{c.returnRepr}</Pre> : null}
      {calls.length ? (
        <div className="flex flex-col gap-0.5">
          <span className="text-[11px] uppercase tracking-wide text-zinc-500">tool calls ({calls.length})</span>
          <table className="w-full text-left font-mono text-[11px]">
            <tbody>
              {calls.map((t, i) => (
                <tr key={i} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                  <td className="w-6 py-0.5 text-zinc-400">{i + 1}</td>
                  <td className="py-0.5 pr-2 whitespace-nowrap">{t.name}</td>
                  <td className="py-0.5 pr-2 break-all">{JSON.stringify(t.args)}</td>
                  <td className={`py-0.5 break-all ${t.error ? "text-amber-700 dark:text-amber-400" : "text-zinc-500"}`}>{t.error ?? t.result}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <span className="text-[11px] text-zinc-500">No tool calls.</span>
      )}
      {c.messages.length ? <Pre label="respond() messages">{c.messages.map((m, i) => `${i + 1}. ${m}`).join("\n")}</Pre> : null}
      {c.stdout ? <Pre label="stdout">{c.stdout}</Pre> : null}
      {c.stderr ? <Pre label="stderr">{c.stderr}</Pre> : null}
    </div>
  );
}

export function RunMatrix({ taskId }: { taskId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [runId, setRunId] = useState<number | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);
  const runs = useQuery({
    ...trpc.filter.taskRuns.queryOptions({ taskId, runId }),
    // Poll while the newest run is still on its way.
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "queued" || r.status === "running") ? 1000 : false),
  });
  const rerun = useMutation(
    trpc.filter.rerun.mutationOptions({
      onSuccess: async () => {
        setRunId(undefined);
        await queryClient.invalidateQueries();
      },
    }),
  );
  const data = runs.data;
  const latest = data?.runs[0];
  const shown = data?.shown;
  const shownRun = data?.runs.find((r) => r.id === shown?.id);
  // When a run finishes, the task's verdict (header, list) has changed too.
  const lastStatus = useRef(latest?.status);
  useEffect(() => {
    if (lastStatus.current && lastStatus.current !== latest?.status && latest?.status === "done") void queryClient.invalidateQueries({ queryKey: trpc.task.pathKey() });
    lastStatus.current = latest?.status;
  }, [latest?.status, queryClient, trpc]);
  const busy = rerun.isPending || latest?.status === "queued" || latest?.status === "running";

  return (
    <section className="flex flex-col gap-2" aria-label="Filter runs">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">CaT filter</h2>
        <button
          type="button"
          data-testid="rerun-task"
          disabled={busy}
          onClick={() => rerun.mutate({ taskIds: [taskId] })}
          className="rounded bg-sky-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-sky-700 disabled:opacity-50"
          title="Run the solution and every failure case in the sandbox"
        >
          {busy ? (latest?.status === "running" ? "Running…" : "Queued…") : "Rerun in sandbox"}
        </button>
        {rerun.error ? <span className="text-xs text-rose-600">{rerun.error.message}</span> : null}
        {data && data.runs.length > 1 ? (
          <label className="ml-auto flex items-center gap-1 text-xs text-zinc-500">
            Run
            <select className="rounded border border-zinc-300 bg-white px-1 py-0.5 text-xs dark:border-zinc-700 dark:bg-zinc-900" value={shown?.id ?? ""} onChange={(e) => setRunId(Number(e.target.value))}>
              {data.runs.map((r) => (
                <option key={r.id} value={r.id}>
                  #{r.id} · rev {r.revision.number} · {r.status === "done" ? `${r.verdictStatus}${r.verdictReason ? ` (${r.verdictReason})` : ""}` : r.status} · {new Date(r.createdAt).toLocaleString()}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {!data?.runs.length ? <p className="text-xs text-zinc-500">Not run yet: the verdict is pending. Rerun to see every case&apos;s outcome.</p> : null}
      {shownRun ? (
        <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-500" data-testid="run-summary">
          <span>Run #{shownRun.id}</span>
          {shownRun.status === "done" ? <VerdictBadge status={shownRun.verdictStatus ?? "pending"} reason={shownRun.verdictReason} /> : <span className="font-medium">{shownRun.status}</span>}
          <span>revision {shownRun.revision.number}{data && shownRun.revisionId !== data.currentRevisionId ? " (not the current one)" : ""}</span>
          {shownRun.pack ? <span title={shownRun.pack.hash}>pack {shownRun.pack.hash.slice(0, 12)}</span> : null}
          {shownRun.durationMs !== null ? <span>{(shownRun.durationMs / 1000).toFixed(2)} s</span> : null}
          {shownRun.error ? <span className="text-rose-600">{shownRun.error}</span> : null}
        </div>
      ) : null}
      {shown?.verifierError ? <ErrorBlock err={shown.verifierError as unknown as CaseErr} label="the verifier does not load" /> : null}
      {shown?.cases.length ? (
        <table className="w-full border-collapse text-left text-xs" data-testid="case-matrix">
          <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Case</th>
              <th className="py-1 font-medium">Expected</th>
              <th className="py-1 font-medium">Actual</th>
              <th className="py-1 font-medium">Why</th>
              <th className="py-1 text-right font-medium">Time</th>
            </tr>
          </thead>
          <tbody>
            {shown.cases.map((c) => {
              const key = `${c.role}-${c.index}`;
              const expected = c.role === "solution" ? "pass" : "fail";
              const ok = c.outcome === expected;
              const err = c.error as { case: CaseErr | null; verify: CaseErr | null } | null;
              const why = err?.verify ? `verify raised ${err.verify.type}` : err?.case ? `case raised ${err.case.type}` : c.returnRepr !== null ? `verify returned ${c.returnRepr.slice(0, 60)}` : "";
              return (
                <Fragment key={key}>
                  <tr
                    data-testid="case-row"
                    data-ok={ok}
                    className={`cursor-pointer border-t border-zinc-100 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900 ${ok ? "" : "bg-rose-50/60 dark:bg-rose-950/20"}`}
                    onClick={() => setOpen(open === key ? null : key)}
                    aria-expanded={open === key}
                  >
                    <td className="py-1 font-medium">{c.role === "solution" ? "Solution" : `Failure case ${c.index + 1}`}</td>
                    <td className="py-1"><Outcome outcome={expected} /></td>
                    <td className="py-1">
                      <Outcome outcome={c.outcome} /> {ok ? "" : <span className="text-rose-600">✗</span>}
                    </td>
                    <td className="max-w-md truncate py-1 font-mono text-[11px] text-zinc-500">{why}</td>
                    <td className="py-1 text-right tabular-nums text-zinc-500">{c.durationMs} ms</td>
                  </tr>
                  {open === key ? (
                    <tr className="border-t border-zinc-100 dark:border-zinc-800">
                      <td colSpan={5}>
                        <CaseDetails c={c} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
