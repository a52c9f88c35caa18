"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ImportSummary } from "@/server/tasks/import-tasks";
import { plural } from "../format";
import { taskListHref } from "../task-list/list-params";
import { rerunCounts } from "../task-list/rerun-counts";
import { useTRPC } from "../trpc";
import { Notice } from "../ui/notice";
import { Table, TD, TH, THead, TR } from "../ui/table";

/**
 * What an import kept, what it refused (line by line), and — when the form asked for the filter
 * (`filterAsked`) — the rerun it queued for the new and revised tasks, followed to its end.
 */
export function ImportResult({
  file,
  summary,
  filterAsked,
}: {
  file: string;
  summary: ImportSummary;
  filterAsked: boolean;
}) {
  const failed = summary.status === "failed";
  const batchHref = taskListHref({ batch: summary.batch.name });
  const batchLink = (
    <Link className="text-sky-700 underline dark:text-sky-400" href={batchHref}>
      {summary.batch.name}
    </Link>
  );
  return (
    <section className="flex flex-col gap-3" data-testid="import-result" aria-live="polite">
      <Notice tone={failed ? "error" : "success"} role="status" className="text-sm">
        <p className="font-medium">
          {failed ? (
            `${file} was not imported`
          ) : summary.batch.id === null ? (
            `${file}: no task was kept, so no batch was created`
          ) : (
            <>
              {file} imported into batch {batchLink}
            </>
          )}
        </p>
        {summary.failure ? <p>{summary.failure}</p> : null}
        <p className="text-xs">
          {summary.linesRead.toLocaleString()} lines read · {summary.created} new · {summary.revised} revised ·{" "}
          {summary.unchanged} unchanged · {summary.errorCount} refused
        </p>
        {summary.rerun ? (
          <ImportRerun rerun={summary.rerun} batchHref={batchHref} />
        ) : filterAsked && !failed && summary.batch.id !== null ? (
          <p className="text-xs" data-testid="import-rerun">
            No filter run queued: no task is new or revised.
          </p>
        ) : null}
      </Notice>
      {summary.errors.length ? (
        <Table aria-label="Refused lines">
          <THead>
            <TH className="w-16">Line</TH>
            <TH className="w-40">Field</TH>
            <TH>Problem</TH>
          </THead>
          <tbody>
            {summary.errors.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list; one line can have several errors
              <TR key={i} data-testid="line-error">
                <TD className="font-mono tabular-nums">{e.line}</TD>
                <TD className="font-mono">{e.field ?? ""}</TD>
                <TD className="break-all">{e.message}</TD>
              </TR>
            ))}
          </tbody>
        </Table>
      ) : null}
      {summary.errorCount > summary.errors.length ? (
        <p className="text-xs text-zinc-500">
          Showing the first {summary.errors.length} of {summary.errorCount} refused lines.
        </p>
      ) : null}
    </section>
  );
}

/** "Filter rerun #12 queued for 40 new and revised tasks", then its progress until it finishes. */
function ImportRerun({ rerun, batchHref }: { rerun: NonNullable<ImportSummary["rerun"]>; batchHref: string }) {
  const trpc = useTRPC();
  const progress = useQuery({
    ...trpc.filter.progress.queryOptions({ rerunId: rerun.rerunId }),
    refetchInterval: (q) => (q.state.data?.finished ? false : 1500),
  });
  const p = progress.data;
  return (
    <p className="text-xs" data-testid="import-rerun">
      Filter rerun #{rerun.rerunId} queued for the{" "}
      {plural(rerun.taskCount, "new and revised task", "new and revised tasks")}
      {p ? (
        <span data-testid="import-rerun-progress">
          {" "}
          · {p.finished ? (p.cancelled ? "cancelled" : "finished") : rerunCounts(p).text}
          {p.verdicts.accepted + p.verdicts.rejected
            ? ` · ${p.verdicts.accepted.toLocaleString()} accepted, ${p.verdicts.rejected.toLocaleString()} rejected`
            : ""}
        </span>
      ) : null}
      : see their verdicts in{" "}
      <Link className="text-sky-700 underline dark:text-sky-400" href={batchHref}>
        the batch
      </Link>
      .
    </p>
  );
}
