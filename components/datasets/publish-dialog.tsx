"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { taskListHref } from "../task-list/list-params";
import { useTRPC, type RouterOutputs } from "../trpc";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input, Textarea } from "../ui/field";
import { ErrorText, Notice } from "../ui/notice";
import { changesText, exclusionGroups } from "./publish-plan";

type Published = RouterOutputs["dataset"]["publish"];

/**
 * Publishing, previewed before it commits: what goes in, what is left out and why, and the changes
 * against the latest version. An unchanged working set makes no version unless "Publish anyway".
 */
export function PublishDialog({
  dataset,
  nextNumber,
  open,
  onClose,
  onPublished,
}: {
  dataset: string;
  nextNumber: number;
  open: boolean;
  onClose: () => void;
  onPublished: (r: Published) => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={`Publish ${dataset} v${nextNumber}`} wide data-testid="publish-dialog">
      <PublishForm dataset={dataset} onClose={onClose} onPublished={onPublished} />
    </Dialog>
  );
}

function PublishForm({
  dataset,
  onClose,
  onPublished,
}: {
  dataset: string;
  onClose: () => void;
  onPublished: (r: Published) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Always fresh when the dialog opens: it is the promise of what the version will hold.
  const preview = useQuery({
    ...trpc.dataset.previewPublish.queryOptions({ dataset }),
    staleTime: 0,
    refetchOnMount: "always",
  });
  const overrides = useQuery({ ...trpc.task.count.queryOptions({ dataset, override: "yes" }), staleTime: 0 });
  const [name, setName] = useState("");
  const [notes, setNotes] = useState("");
  const publish = useMutation(
    trpc.dataset.publish.mutationOptions({
      onSuccess: async (r) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.dataset.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.dataset.previewPublish.queryKey({ dataset }) }),
        ]);
        onPublished(r);
      },
    }),
  );
  const p = preview.data;
  const submit = (allowEmptyChange: boolean) =>
    publish.mutate({ dataset, name: name.trim() || undefined, notes: notes.trim() || undefined, allowEmptyChange });
  const inWorkingSet = (id: string) => taskListHref({ dataset, q: id });

  if (preview.error) return <ErrorText>{preview.error.message}</ErrorText>;
  if (!p) return <p className="text-xs text-zinc-500">Checking every task of the working set…</p>;
  return (
    <form
      className="flex flex-col gap-3 text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        submit(false);
      }}
    >
      <section aria-label="What goes in" data-testid="publish-preview" className="flex flex-col gap-1">
        <p>
          <strong className="text-emerald-700 dark:text-emerald-400" data-testid="publish-included">
            {p.included.toLocaleString()} task{p.included === 1 ? "" : "s"} go{p.included === 1 ? "es" : ""} in
          </strong>
          {overrides.data ? (
            <span data-testid="publish-overrides"> ({overrides.data.toLocaleString()} approved by override)</span>
          ) : null}
          : approved on their current revision (by as many reviewers as the review policy asks, where there is one) and
          accepted there by the filter, or approved by override. Changes:{" "}
          <span data-testid="publish-changes">{changesText(p.changes)}</span>.
        </p>
        {p.excludedCount ? (
          <div className="flex flex-col gap-1" data-testid="publish-excluded">
            <p>
              <strong className="text-amber-700 dark:text-amber-400">
                {p.excludedCount.toLocaleString()} left out
              </strong>{" "}
              (they stay in the working set):
            </p>
            <ul className="flex flex-col gap-1 pl-4">
              {exclusionGroups(p).map((g) => (
                <li key={g.reason} className="list-disc" data-testid="exclusion-group" data-reason={g.reason}>
                  {g.count.toLocaleString()} {g.text}:{" "}
                  {g.tasks.slice(0, 20).map((t, i) => (
                    <span key={t.id}>
                      {i ? ", " : ""}
                      <Link
                        className="font-mono text-sky-700 underline dark:text-sky-400"
                        href={inWorkingSet(t.id)}
                        title={t.detail ?? g.text}
                      >
                        {t.id}
                      </Link>
                      {/* "awaiting reviews: 1 of 2 approvals …": the part after the reason's name */}
                      {t.detail ? <span className="text-zinc-500"> ({t.detail.replace(/^[^:]*:\s*/, "")})</span> : null}
                    </span>
                  ))}
                  {g.tasks.length > 20 ? ` and ${g.tasks.length - 20} more` : ""}
                </li>
              ))}
            </ul>
            {p.excluded.length < p.excludedCount ? (
              <p className="text-zinc-500">The first {p.excluded.length.toLocaleString()} are listed.</p>
            ) : null}
          </div>
        ) : (
          <p>Nothing is left out.</p>
        )}
      </section>
      {p.unchanged ? (
        <Notice tone="info" data-testid="publish-unchanged">
          Nothing changed since v{p.changes.previous}: publishing makes no new version unless you publish anyway.
        </Notice>
      ) : null}
      {p.included === 0 ? (
        <Notice tone="warn">No task can be published: approve accepted tasks of the working set first.</Notice>
      ) : null}
      <div className="flex flex-wrap gap-3">
        <Field label="Version name (optional)">
          <Input size="sm" className="w-48" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Notes" className="min-w-64 flex-1">
          <Textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </Field>
      </div>
      {publish.error ? <ErrorText>{publish.error.message}</ErrorText> : null}
      {publish.data && publish.data.version === null ? (
        <Notice tone="info">No new version: the working set is the same as v{publish.data.changes.previous}.</Notice>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        {p.unchanged ? (
          <Button variant="success" disabled={publish.isPending || p.included === 0} onClick={() => submit(true)}>
            Publish anyway
          </Button>
        ) : (
          <Button type="submit" variant="success" disabled={publish.isPending || p.included === 0}>
            {publish.isPending
              ? "Publishing…"
              : `Publish ${p.included.toLocaleString()} task${p.included === 1 ? "" : "s"}`}
          </Button>
        )}
      </div>
    </form>
  );
}
