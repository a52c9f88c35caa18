"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type RefObject } from "react";
import { TextDiff } from "./code-view";
import { renderTask } from "./render-task";
import { useTRPC } from "./trpc";

const STATUS_BUTTONS = [
  { status: "approved", label: "Approve", key: "a", style: "border-emerald-600 text-emerald-700 dark:text-emerald-400", active: "bg-emerald-600 text-white dark:text-white" },
  { status: "rejected", label: "Reject", key: "r", style: "border-rose-600 text-rose-700 dark:text-rose-400", active: "bg-rose-600 text-white dark:text-white" },
  { status: "needs_edit", label: "Needs edit", key: "n", style: "border-amber-600 text-amber-700 dark:text-amber-400", active: "bg-amber-600 text-white dark:text-white" },
] as const;

export function ReviewPanel({
  taskId,
  reviewStatus,
  labels,
  onStatus,
  labelsRef,
}: {
  taskId: number;
  reviewStatus: string;
  labels: number[];
  onStatus: (s: "approved" | "rejected" | "needs_edit" | "unreviewed") => void;
  labelsRef: RefObject<HTMLDivElement | null>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allLabels = useQuery(trpc.review.labels.queryOptions());
  const history = useQuery(trpc.review.history.queryOptions({ taskId }));
  const invalidate = () => queryClient.invalidateQueries();
  const setLabel = useMutation(trpc.review.setLabel.mutationOptions({ onSuccess: invalidate }));
  const createLabel = useMutation(trpc.review.createLabel.mutationOptions({ onSuccess: invalidate }));
  const comment = useMutation(trpc.review.comment.mutationOptions({ onSuccess: () => { setBody(""); return invalidate(); } }));
  const [body, setBody] = useState("");
  const [newLabel, setNewLabel] = useState("");
  const [compare, setCompare] = useState<{ a?: number; b?: number }>({});

  return (
    <>
      <section className="flex flex-col gap-2 rounded border border-zinc-200 p-3 dark:border-zinc-800" aria-label="Review">
        <div className="flex flex-wrap gap-2">
          {STATUS_BUTTONS.map((b) => (
            <button
              key={b.status}
              type="button"
              aria-pressed={reviewStatus === b.status}
              onClick={() => onStatus(reviewStatus === b.status ? "unreviewed" : b.status)}
              className={`rounded border px-2.5 py-1 text-xs font-medium ${b.style} ${reviewStatus === b.status ? b.active : ""}`}
              title={`${b.label} (${b.key})`}
            >
              {b.label} <span className="opacity-60">{b.key}</span>
            </button>
          ))}
        </div>
        <div ref={labelsRef} className="flex flex-wrap gap-1.5" aria-label="Labels" role="group">
          {allLabels.data?.map((l) => {
            const on = labels.includes(l.id);
            return (
              <button
                key={l.id}
                type="button"
                aria-pressed={on}
                onClick={() => setLabel.mutate({ selection: { taskIds: [taskId] }, labelId: l.id, on: !on })}
                className={`rounded-full border px-2 py-0.5 text-[11px] ${on ? "text-white" : ""}`}
                style={on ? { background: l.color ?? "#0284c7", borderColor: l.color ?? "#0284c7" } : { borderColor: l.color ?? undefined, color: l.color ?? undefined }}
                title={l.description ?? undefined}
              >
                {l.name}
              </button>
            );
          })}
          <form
            className="flex"
            onSubmit={(e) => {
              e.preventDefault();
              if (newLabel.trim()) createLabel.mutate({ name: newLabel }, { onSuccess: () => setNewLabel("") });
            }}
          >
            <input className="w-28 rounded border border-zinc-300 bg-transparent px-1.5 py-0.5 text-[11px] dark:border-zinc-700" placeholder="+ new label" aria-label="New label" value={newLabel} onChange={(e) => setNewLabel(e.target.value)} />
          </form>
        </div>
        {createLabel.error ? <p className="text-[11px] text-rose-600">{createLabel.error.message}</p> : null}
        <form
          className="flex flex-col gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) comment.mutate({ taskId, body });
          }}
        >
          <textarea className="min-h-14 rounded border border-zinc-300 bg-transparent p-2 text-xs dark:border-zinc-700" placeholder="Comment…" aria-label="Comment" value={body} onChange={(e) => setBody(e.target.value)} />
          <div className="flex items-center gap-2">
            <button type="submit" disabled={!body.trim() || comment.isPending} className="rounded border border-zinc-300 px-2 py-0.5 text-xs disabled:opacity-40 dark:border-zinc-700">Comment</button>
            {comment.error ? <span className="text-[11px] text-rose-600">{comment.error.message}</span> : null}
          </div>
        </form>
      </section>

      <section className="flex flex-col gap-2" aria-label="History">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">History</h2>
        {history.data && history.data.revisions.length > 1 ? (
          <div className="flex flex-wrap items-center gap-1 text-xs">
            Compare revision
            {(["a", "b"] as const).map((side) => (
              <select
                key={side}
                aria-label={`Compare revision ${side === "a" ? "from" : "to"}`}
                className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
                value={compare[side] ?? ""}
                onChange={(e) => setCompare({ ...compare, [side]: e.target.value ? Number(e.target.value) : undefined })}
              >
                <option value="">—</option>
                {history.data.revisions.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.number} ({r.source})
                  </option>
                ))}
              </select>
            ))}
          </div>
        ) : null}
        {compare.a && compare.b ? <CompareRevisions taskId={taskId} a={compare.a} b={compare.b} /> : null}
        <ol className="flex flex-col gap-1.5 text-xs" data-testid="history">
          {history.data?.entries.map((e, i) => (
            <li key={i} className="flex flex-col border-l-2 border-zinc-200 pl-2 dark:border-zinc-800">
              <span>
                <span className="font-medium">{e.who}</span> {e.text}
              </span>
              {e.body ? <p className="whitespace-pre-wrap break-words rounded bg-zinc-50 p-1.5 dark:bg-zinc-900">{e.body}</p> : null}
              <time className="text-[11px] text-zinc-500" dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function CompareRevisions({ taskId, a, b }: { taskId: number; a: number; b: number }) {
  const trpc = useTRPC();
  const revs = useQuery(trpc.review.revisions.queryOptions({ taskId, ids: [a, b] }));
  const ra = revs.data?.find((r) => r.id === a);
  const rb = revs.data?.find((r) => r.id === b);
  if (!ra || !rb) return <p className="text-xs text-zinc-500">Loading…</p>;
  return <TextDiff original={renderTask(ra)} modified={renderTask(rb)} label={`Revision ${ra.number} against revision ${rb.number}`} height={360} />;
}
