"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { REJECT_REASONS, REVIEW_STATUSES } from "@/lib/cat";
import { FILTER_KEYS, SORT_FIELDS, taskListInputSchema, type TaskFilter } from "@/lib/task-query";
import { ReviewBadge, VerdictBadge } from "./badges";
import { RerunProgress } from "./rerun-progress";
import { useTRPC } from "./trpc";

const SORT_LABEL: Record<(typeof SORT_FIELDS)[number], string> = { created: "Imported", updated: "Updated", externalId: "Task id" };
const ROW_PX = 30;
const COLS = "grid-cols-[2rem_11rem_6rem_9rem_15rem_6.5rem_3rem_3rem_minmax(0,1fr)]";

/** The list's state lives in the URL: links are shareable and the back button works. */
function useListParams() {
  const params = useSearchParams();
  return useMemo(() => {
    const raw: Record<string, string> = {};
    for (const k of [...FILTER_KEYS, "sort", "dir"]) {
      const v = params.get(k);
      if (v) raw[k] = v;
    }
    const parsed = taskListInputSchema.safeParse(raw);
    const input = parsed.success ? parsed.data : taskListInputSchema.parse({});
    const filter: TaskFilter = Object.fromEntries(FILTER_KEYS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
    return { input: { ...input, limit: 200 }, filter, query: params.toString() };
  }, [params]);
}

function FacetSelect({ label, value, options, counts, onChange }: { label: string; value?: string; options: readonly string[]; counts?: Record<string, number>; onChange: (v: string | undefined) => void }) {
  const shown = [...new Set([...options, ...Object.keys(counts ?? {}), ...(value ? [value] : [])])];
  return (
    <label className="flex items-center gap-1.5 text-xs text-zinc-500">
      {label}
      <select
        aria-label={label}
        className="max-w-40 rounded border border-zinc-300 bg-white px-1.5 py-1 text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">all</option>
        {shown.map((o) => (
          <option key={o} value={o}>
            {o.replaceAll("_", " ")}
            {counts ? ` (${(counts[o] ?? 0).toLocaleString()})` : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TaskList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const { input, filter, query } = useListParams();
  const facets = useQuery(trpc.task.facets.queryOptions());
  const counts = useQuery({ ...trpc.task.facetCounts.queryOptions(filter), placeholderData: (prev) => prev });
  // The total comes with the facet counts (one pass over the tasks for both); while a new filter
  // loads, the previous figures stay rather than flashing.
  const total = counts.isPlaceholderData ? undefined : counts.data?.total;
  const labels = useQuery(trpc.review.labels.queryOptions());
  const list = useInfiniteQuery(trpc.task.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const setParams = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  // Typing stays local and reaches the URL (and the server) after a short pause.
  const [search, setSearch] = useState(input.q ?? "");
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if ((input.q ?? "") === search) return;
    const t = setTimeout(() => setParams({ q: search.trim() || undefined }), 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  // Selection: explicit rows, or "all N matching this filter".
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [query]);
  const selection = allMatching ? { filter } : { taskIds: [...selected] };
  const selectedCount = allMatching ? (total ?? 0) : selected.size;
  const afterBulk = () => queryClient.invalidateQueries();
  const rerun = useMutation(trpc.filter.rerun.mutationOptions({ onSuccess: afterBulk }));
  const setStatus = useMutation(trpc.review.setStatus.mutationOptions({ onSuccess: afterBulk }));
  const setLabel = useMutation(trpc.review.setLabel.mutationOptions({ onSuccess: afterBulk }));
  const datasets = useQuery(trpc.dataset.list.queryOptions());
  const addToDataset = useMutation(trpc.dataset.add.mutationOptions({ onSuccess: afterBulk }));
  const bulkError = rerun.error ?? setStatus.error ?? setLabel.error ?? addToDataset.error;
  const confirmLarge = () => selectedCount <= 1000 || window.confirm(`Apply to all ${selectedCount.toLocaleString()} tasks?`);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 20 });
  const items = virtual.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (lastIndex >= rows.length - 40 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [lastIndex, rows.length, list]);

  const [active, setActive] = useState(0);
  const openHref = (taskId: number) => `/tasks/${taskId}${query ? `?from=${encodeURIComponent(query)}` : ""}`;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable]")) {
        if (e.key === "Escape") target.blur();
        return;
      }
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === "/") {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === "j" || e.key === "k") {
        const next = Math.max(0, Math.min(rows.length - 1, active + (e.key === "j" ? 1 : -1)));
        setActive(next);
        virtual.scrollToIndex(next, { align: "auto" });
      } else if (e.key === "x" && rows[active]) {
        const id = rows[active].id;
        setSelected((s) => {
          const n = new Set(s);
          if (n.has(id)) n.delete(id);
          else n.add(id);
          return n;
        });
      } else if ((e.key === "Enter" || e.key === "o") && rows[active]) {
        router.push(openHref(rows[active].id));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const anyFilter = FILTER_KEYS.some((k) => input[k]);
  const c = counts.data;
  return (
    <div className="flex h-[calc(100vh-2.75rem)] flex-col">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <input
          ref={searchRef}
          type="search"
          placeholder="Search instructions and code…  ( / )"
          aria-label="Search instructions and code"
          className="w-72 rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <FacetSelect label="Environment" value={input.environment} options={facets.data?.environments ?? []} counts={c?.environment} onChange={(v) => setParams({ environment: v })} />
        <FacetSelect label="Batch" value={input.batch} options={facets.data?.batches ?? []} counts={c?.batch} onChange={(v) => setParams({ batch: v })} />
        <FacetSelect label="Verdict" value={input.verdict} options={["pending", "accepted", "rejected"]} counts={c?.verdict} onChange={(v) => setParams({ verdict: v })} />
        <FacetSelect label="Reason" value={input.reason} options={REJECT_REASONS} counts={c?.reason} onChange={(v) => setParams({ reason: v })} />
        <FacetSelect label="Review" value={input.review} options={REVIEW_STATUSES} counts={c?.review} onChange={(v) => setParams({ review: v })} />
        <FacetSelect label="Label" value={input.label} options={labels.data?.map((l) => l.name) ?? []} counts={c?.label} onChange={(v) => setParams({ label: v })} />
        <FacetSelect label="Comments" value={input.comments} options={["yes", "no"]} counts={c?.comments} onChange={(v) => setParams({ comments: v })} />
        <FacetSelect label="Edited" value={input.edited} options={["yes", "no"]} counts={c?.edited} onChange={(v) => setParams({ edited: v })} />
        <label className="flex items-center gap-1.5 text-xs text-zinc-500">
          Sort
          <select
            aria-label="Sort"
            className="rounded border border-zinc-300 bg-white px-1.5 py-1 text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            value={input.sort}
            onChange={(e) => setParams({ sort: e.target.value === "created" ? undefined : e.target.value })}
          >
            {SORT_FIELDS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABEL[s]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="rounded border border-zinc-300 px-1.5 py-0.5 dark:border-zinc-700"
            aria-label={input.dir === "desc" ? "Sorted descending; sort ascending" : "Sorted ascending; sort descending"}
            onClick={() => setParams({ dir: input.dir === "desc" ? "asc" : undefined })}
          >
            {input.dir === "desc" ? "↓" : "↑"}
          </button>
        </label>
        {anyFilter ? (
          <button type="button" className="text-xs text-sky-700 hover:underline dark:text-sky-400" onClick={() => { setSearch(""); router.replace(pathname); }}>
            Clear filters
          </button>
        ) : null}
        <Link href={`/review${query ? `?${query}` : ""}`} className="ml-auto rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" title="Walk this filter one task at a time">
          Review queue →
        </Link>
        <span className="text-xs text-zinc-500" data-testid="task-count">
          {total === undefined ? "…" : `${total.toLocaleString()} task${total === 1 ? "" : "s"}`}
        </span>
      </div>

      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-4 py-1.5 text-xs dark:border-zinc-800 dark:bg-zinc-900/50" aria-label="Bulk actions">
        <span className="text-zinc-500" data-testid="selection-count">
          {selectedCount ? `${selectedCount.toLocaleString()} selected` : "Select rows (x) or"}
        </span>
        {!allMatching && total ? (
          <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setAllMatching(true)} data-testid="select-all-matching">
            select all {total.toLocaleString()} matching
          </button>
        ) : null}
        {selectedCount ? (
          <>
            <button type="button" className="text-zinc-500 hover:underline" onClick={() => { setSelected(new Set()); setAllMatching(false); }}>clear</button>
            <span className="mx-1 h-4 w-px bg-zinc-300 dark:bg-zinc-700" />
            <button type="button" data-testid="bulk-rerun" className="rounded border border-sky-600 px-2 py-0.5 text-sky-700 dark:text-sky-400" onClick={() => confirmLarge() && rerun.mutate(selection)}>Rerun</button>
            <button type="button" className="rounded border border-emerald-600 px-2 py-0.5 text-emerald-700 dark:text-emerald-400" onClick={() => confirmLarge() && setStatus.mutate({ selection, status: "approved" })}>Approve</button>
            <button type="button" className="rounded border border-rose-600 px-2 py-0.5 text-rose-700 dark:text-rose-400" onClick={() => confirmLarge() && setStatus.mutate({ selection, status: "rejected" })}>Reject</button>
            <button type="button" className="rounded border border-amber-600 px-2 py-0.5 text-amber-700 dark:text-amber-400" onClick={() => confirmLarge() && setStatus.mutate({ selection, status: "needs_edit" })}>Needs edit</button>
            <select
              aria-label="Add a label to the selection"
              className="rounded border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
              value=""
              onChange={(e) => e.target.value && confirmLarge() && setLabel.mutate({ selection, labelId: Number(e.target.value), on: true })}
            >
              <option value="">Label…</option>
              {labels.data?.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
            <select
              aria-label="Add the selection to a dataset"
              className="rounded border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
              value=""
              onChange={(e) => e.target.value && confirmLarge() && addToDataset.mutate({ dataset: e.target.value, selection })}
            >
              <option value="">Add to dataset…</option>
              {datasets.data?.map((d) => (
                <option key={d.id} value={d.name}>
                  {d.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        {bulkError ? <span className="text-rose-600">{bulkError.message}</span> : null}
        {addToDataset.data ? (
          <span className="text-zinc-500" data-testid="dataset-added">
            {addToDataset.data.added} added{addToDataset.data.skippedNotApproved ? `, ${addToDataset.data.skippedNotApproved} skipped (not approved)` : ""}
          </span>
        ) : null}
        {setStatus.data ? <span className="text-zinc-500">{setStatus.data.changed} changed</span> : null}
      </div>

      <RerunProgress />
      {list.error ? <p className="p-4 text-rose-600">Could not load tasks: {list.error.message}</p> : null}

      <div className={`grid ${COLS} border-b border-zinc-200 bg-zinc-50 text-[11px] uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900`} role="row">
        <span className="px-2 py-1.5" />
        <span className="px-2 py-1.5">Task</span>
        <span className="px-2 py-1.5">Environment</span>
        <span className="px-2 py-1.5">Batch</span>
        <span className="px-2 py-1.5">Verdict</span>
        <span className="px-2 py-1.5">Review</span>
        <span className="px-2 py-1.5 text-right" title="Revisions">Rev</span>
        <span className="px-2 py-1.5 text-right" title="Failure cases">FC</span>
        <span className="px-2 py-1.5">Instruction</span>
      </div>
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" role="table" aria-label="Tasks" data-testid="task-table">
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((v) => {
            const t = rows[v.index]!;
            const isSel = allMatching || selected.has(t.id);
            return (
              <div
                key={t.id}
                role="row"
                data-row={v.index}
                data-testid="task-row"
                aria-selected={v.index === active}
                className={`absolute left-0 grid w-full ${COLS} cursor-pointer items-center border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900 ${v.index === active ? "bg-sky-50 dark:bg-sky-950/40" : ""}`}
                style={{ top: v.start, height: ROW_PX }}
                onClick={() => setActive(v.index)}
              >
                <span className="px-2">
                  <input
                    type="checkbox"
                    aria-label={`Select ${t.externalId}`}
                    checked={isSel}
                    disabled={allMatching}
                    onChange={(e) =>
                      setSelected((s) => {
                        const n = new Set(s);
                        if (e.target.checked) n.add(t.id);
                        else n.delete(t.id);
                        return n;
                      })
                    }
                  />
                </span>
                <span className="truncate px-2 font-mono text-xs">
                  <Link href={openHref(t.id)} className="text-sky-700 hover:underline dark:text-sky-400">
                    {t.externalId}
                  </Link>
                </span>
                <span className="truncate px-2 text-xs">{t.environment}</span>
                <span className="truncate px-2 text-xs text-zinc-500">{t.batch}</span>
                <span className="truncate px-2">
                  <VerdictBadge status={t.verdictStatus} reason={t.verdictReason} />
                </span>
                <span className="px-2">
                  <ReviewBadge status={t.reviewStatus} />
                </span>
                <span className="px-2 text-right tabular-nums text-xs">{t.revisionCount}</span>
                <span className="px-2 text-right tabular-nums text-xs">{t.failureCaseCount}</span>
                <span className="truncate px-2 text-zinc-700 dark:text-zinc-300" title={t.instruction}>
                  {t.instruction}
                </span>
              </div>
            );
          })}
        </div>
        {list.isPending ? <p className="p-4 text-zinc-500">Loading…</p> : null}
        {!list.isPending && !list.error && rows.length === 0 ? (
          <p className="p-8 text-center text-zinc-500">
            No tasks match. {anyFilter ? "Clear the filters, or " : ""}
            <Link href="/import" className="text-sky-700 underline dark:text-sky-400">import a file</Link>.
          </p>
        ) : null}
        {list.isFetchingNextPage ? <p className="px-4 pb-4 text-xs text-zinc-500">Loading more…</p> : null}
      </div>
      <p className="border-t border-zinc-200 px-4 py-1 text-[11px] text-zinc-400 dark:border-zinc-800">Keys: / search · j/k move · x select · Enter open · on a task: ? for all shortcuts</p>
    </div>
  );
}
