"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ReviewStatus } from "@/lib/cat";
import type { RefusedApproval } from "@/server/review/review-tasks";
import type { Can } from "../auth/use-role";
import { OverrideDialog } from "../review/override-dialog";
import { bulkApprovalSummary, refusedApprovals } from "../review/refusal";
import { useTRPC, type RouterInputs } from "../trpc";
import { Button } from "../ui/button";
import { Select } from "../ui/field";
import { ErrorText } from "../ui/notice";
import type { Selection } from "./use-selection";

type TaskSelection = RouterInputs["review"]["setStatus"]["selection"];
type Refusal = { selection: TaskSelection; count: number; tasks: RefusedApproval[] };

/**
 * What to do with the selected rows (or all matching): run the filter, review, label, and add to a
 * dataset — or, on a dataset's page, remove from it — each as the role allows. Approving reports
 * what it could not approve and why, and offers the same override for those.
 */
export function BulkActions({
  selection,
  total,
  dataset,
  can,
}: {
  selection: Selection;
  total: number | undefined;
  dataset?: string;
  can: Can;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const labels = useQuery({ ...trpc.review.labels.queryOptions(), enabled: can("label") });
  const datasets = useQuery({ ...trpc.dataset.list.queryOptions(), enabled: !dataset && can("manageDatasets") });
  const [message, setMessage] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [overriding, setOverriding] = useState(false);
  const invalidate = (...keys: Array<readonly unknown[]>) =>
    Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  // A review decision changes the rows, the counts, any open task page, and what a dataset would publish.
  const afterReview = () =>
    invalidate(
      trpc.task.list.pathKey(),
      trpc.task.facetCounts.pathKey(),
      trpc.task.count.pathKey(),
      trpc.task.get.pathKey(),
      trpc.review.history.pathKey(),
      trpc.dataset.previewPublish.pathKey(),
    );

  const rerun = useMutation(
    trpc.filter.rerun.mutationOptions({
      onSuccess: (r) => {
        setMessage(`the filter is running on ${r.taskCount.toLocaleString()} task${r.taskCount === 1 ? "" : "s"}`);
        return invalidate(trpc.filter.recent.queryKey());
      },
    }),
  );
  const setStatus = useMutation(
    trpc.review.setStatus.mutationOptions({
      onSuccess: (r, vars) => {
        setOverriding(false);
        if (vars.status === "approved") {
          setMessage(vars.override ? `approved ${r.changed.toLocaleString()} by override` : bulkApprovalSummary(r));
          setRefusal(
            !vars.override && r.refused.count
              ? { selection: vars.selection, count: r.refused.count, tasks: r.refused.tasks }
              : null,
          );
        } else setMessage(`${r.changed.toLocaleString()} changed`);
        return afterReview();
      },
      onError: (err, vars) => {
        // One selected task that cannot be approved is refused as a whole: the same report.
        const tasks = vars.override ? null : refusedApprovals(err);
        if (tasks) {
          setMessage(
            bulkApprovalSummary({ matched: tasks.length, changed: 0, refused: { count: tasks.length, tasks } }),
          );
          setRefusal({ selection: vars.selection, count: tasks.length, tasks });
        }
      },
    }),
  );
  const setLabel = useMutation(
    trpc.review.setLabel.mutationOptions({
      onSuccess: (r) => {
        setMessage(`labelled ${r.changed.toLocaleString()}`);
        return invalidate(
          trpc.task.facetCounts.pathKey(),
          trpc.review.labels.queryKey(),
          trpc.task.get.pathKey(),
          trpc.review.history.pathKey(),
        );
      },
    }),
  );
  const addToDataset = useMutation(
    trpc.dataset.add.mutationOptions({
      onSuccess: (r) => {
        setMessage(`${r.added} added${r.skippedNotApproved ? `, ${r.skippedNotApproved} skipped (not approved)` : ""}`);
        return invalidate(trpc.dataset.list.queryKey(), trpc.dataset.previewPublish.pathKey());
      },
    }),
  );
  const removeFromDataset = useMutation(
    trpc.dataset.remove.mutationOptions({
      onSuccess: (r) => {
        setMessage(`${r.removed.toLocaleString()} removed from ${dataset}`);
        return invalidate(
          trpc.task.list.pathKey(),
          trpc.task.facetCounts.pathKey(),
          trpc.task.count.pathKey(),
          trpc.dataset.list.queryKey(),
          trpc.dataset.previewPublish.pathKey(),
        );
      },
    }),
  );
  const error =
    rerun.error ??
    (refusal ? null : setStatus.error) ??
    setLabel.error ??
    addToDataset.error ??
    removeFromDataset.error;
  const n = selection.count;
  const confirmLarge = () => n <= 1000 || window.confirm(`Apply to all ${n.toLocaleString()} tasks?`);
  const act = (f: () => void) => () => {
    if (!confirmLarge()) return;
    setMessage(null);
    setRefusal(null);
    f();
  };
  const decide = (status: ReviewStatus) => act(() => setStatus.mutate({ selection: selection.input, status }));

  return (
    <div
      className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-4 py-1.5 text-xs dark:border-zinc-800 dark:bg-zinc-900/50"
      role="toolbar"
      aria-label="Bulk actions"
    >
      <span className="text-zinc-500" data-testid="selection-count">
        {n ? `${n.toLocaleString()} selected` : "Select rows (x) or"}
      </span>
      {!selection.allMatching && total ? (
        <Button variant="link" size="xs" onClick={selection.selectAllMatching} data-testid="select-all-matching">
          select all {total.toLocaleString()} matching
        </Button>
      ) : null}
      {n ? (
        <>
          <Button variant="link" size="xs" className="text-zinc-500" onClick={selection.clear}>
            clear
          </Button>
          <span className="mx-1 h-4 w-px bg-zinc-300 dark:bg-zinc-700" aria-hidden />
          {can("runFilter") ? (
            <Button
              size="sm"
              variant="info"
              data-testid="bulk-rerun"
              onClick={act(() => rerun.mutate(selection.input))}
            >
              Run filter
            </Button>
          ) : null}
          {can("review") ? (
            <>
              <Button size="sm" variant="approve" onClick={decide("approved")}>
                Approve
              </Button>
              <Button size="sm" variant="reject" onClick={decide("rejected")}>
                Reject
              </Button>
              <Button size="sm" variant="warn" onClick={decide("needs_edit")}>
                Needs edit
              </Button>
            </>
          ) : null}
          {can("label") ? (
            <Select
              aria-label="Add a label to the selection"
              value=""
              onChange={(e) =>
                e.target.value &&
                act(() => setLabel.mutate({ selection: selection.input, labelId: Number(e.target.value), on: true }))()
              }
            >
              <option value="">Label…</option>
              {labels.data?.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </Select>
          ) : null}
          {!can("manageDatasets") ? null : dataset ? (
            <Button
              size="sm"
              variant="reject"
              onClick={act(() => removeFromDataset.mutate({ dataset, selection: selection.input }))}
            >
              Remove from {dataset}
            </Button>
          ) : (
            <Select
              aria-label="Add the selection to a dataset"
              value=""
              onChange={(e) =>
                e.target.value &&
                act(() => addToDataset.mutate({ dataset: e.target.value, selection: selection.input }))()
              }
            >
              <option value="">Add to dataset…</option>
              {datasets.data?.map((d) => (
                <option key={d.id} value={d.name}>
                  {d.name}
                </option>
              ))}
            </Select>
          )}
        </>
      ) : null}
      {error ? <ErrorText>{error.message}</ErrorText> : null}
      {message ? (
        <span className="text-zinc-600 dark:text-zinc-400" role="status" data-testid="bulk-result">
          {message}
        </span>
      ) : null}
      {refusal ? (
        <Button size="sm" variant="approve" onClick={() => setOverriding(true)}>
          Approve the {refusal.count.toLocaleString()} anyway…
        </Button>
      ) : null}
      <OverrideDialog
        open={overriding && !!refusal}
        onClose={() => setOverriding(false)}
        refused={refusal?.tasks ?? []}
        count={refusal?.count ?? 0}
        pending={setStatus.isPending}
        error={overriding ? (setStatus.error?.message ?? null) : null}
        onConfirm={(reason) =>
          refusal && setStatus.mutate({ selection: refusal.selection, status: "approved", override: { reason } })
        }
      />
    </div>
  );
}
