"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { REJECT_REASONS, REVIEW_STATUSES } from "@/lib/cat";
import { SORT_FIELDS, taskListInputSchema, type TaskFilter } from "@/lib/task-query";
import { ReviewBadge, VerdictBadge } from "./badges";
import { useTRPC } from "./trpc";

const FILTER_KEYS = ["environment", "batch", "verdict", "reason", "review", "q"] as const;
const SORT_LABEL: Record<(typeof SORT_FIELDS)[number], string> = { created: "Imported", updated: "Updated", externalId: "Task id" };

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
    return { input: { ...input, limit: 100 }, filter, query: params.toString() };
  }, [params]);
}

function Select({ label, value, options, onChange }: { label: string; value?: string; options: readonly string[]; onChange: (v: string | undefined) => void }) {
  return (
    <label className="flex items-center gap-1.5 text-xs text-zinc-500">
      {label}
      <select
        aria-label={label}
        className="rounded border border-zinc-300 bg-white px-1.5 py-1 text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o.replaceAll("_", " ")}
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
  const { input, filter, query } = useListParams();
  const facets = useQuery(trpc.task.facets.queryOptions());
  const count = useQuery(trpc.task.count.queryOptions(filter));
  const list = useInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
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

  const [active, setActive] = useState(0);
  const tableRef = useRef<HTMLTableSectionElement>(null);
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
        setActive((i) => Math.max(0, Math.min(rows.length - 1, i + (e.key === "j" ? 1 : -1))));
      } else if ((e.key === "Enter" || e.key === "o") && rows[active]) {
        router.push(`/tasks/${rows[active].id}${query ? `?from=${encodeURIComponent(query)}` : ""}`);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, active, router, query]);
  useEffect(() => {
    tableRef.current?.querySelector(`[data-row="${active}"]`)?.scrollIntoView({ block: "nearest" });
    if (active >= rows.length - 10 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [active, rows.length, list]);

  // Infinite scroll: fetch the next keyset page when the end of the table comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const obs = new IntersectionObserver((entries) => {
      if (entries[0]?.isIntersecting && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    });
    obs.observe(el);
    return () => obs.disconnect();
  }, [list]);

  const anyFilter = FILTER_KEYS.some((k) => input[k]);
  return (
    <div className="flex flex-col">
      <div className="sticky top-11 z-10 flex flex-wrap items-center gap-3 border-b border-zinc-200 bg-white px-4 py-2 dark:border-zinc-800 dark:bg-zinc-950">
        <input
          ref={searchRef}
          type="search"
          placeholder="Search instructions…  ( / )"
          aria-label="Search instructions"
          className="w-72 rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <Select label="Environment" value={input.environment} options={facets.data?.environments ?? []} onChange={(v) => setParams({ environment: v })} />
        <Select label="Batch" value={input.batch} options={facets.data?.batches ?? []} onChange={(v) => setParams({ batch: v })} />
        <Select label="Verdict" value={input.verdict} options={["pending", "accepted", "rejected"]} onChange={(v) => setParams({ verdict: v })} />
        <Select label="Reason" value={input.reason} options={REJECT_REASONS} onChange={(v) => setParams({ reason: v })} />
        <Select label="Review" value={input.review} options={REVIEW_STATUSES} onChange={(v) => setParams({ review: v })} />
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
        <span className="ml-auto text-xs text-zinc-500" data-testid="task-count">
          {count.data === undefined ? "…" : `${count.data.toLocaleString()} task${count.data === 1 ? "" : "s"}`}
        </span>
      </div>

      {list.error ? <p className="p-4 text-rose-600">Could not load tasks: {list.error.message}</p> : null}
      <table className="w-full table-fixed border-collapse text-left">
        <thead className="sticky top-[5.4rem] z-[5] bg-zinc-50 text-[11px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-900">
          <tr>
            <th className="w-44 px-4 py-1.5 font-medium">Task</th>
            <th className="w-24 px-2 py-1.5 font-medium">Environment</th>
            <th className="w-36 px-2 py-1.5 font-medium">Batch</th>
            <th className="w-56 px-2 py-1.5 font-medium">Verdict</th>
            <th className="w-24 px-2 py-1.5 font-medium">Review</th>
            <th className="w-12 px-2 py-1.5 text-right font-medium" title="Revisions">Rev</th>
            <th className="w-12 px-2 py-1.5 text-right font-medium" title="Failure cases">FC</th>
            <th className="px-2 py-1.5 font-medium">Instruction</th>
          </tr>
        </thead>
        <tbody ref={tableRef}>
          {rows.map((t, i) => (
            <tr
              key={t.id}
              data-row={i}
              aria-selected={i === active}
              className={`cursor-pointer border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900 ${i === active ? "bg-sky-50 dark:bg-sky-950/40" : ""}`}
              onClick={() => setActive(i)}
            >
              <td className="truncate px-4 py-1 font-mono text-xs">
                <Link href={`/tasks/${t.id}${query ? `?from=${encodeURIComponent(query)}` : ""}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {t.externalId}
                </Link>
              </td>
              <td className="truncate px-2 py-1 text-xs">{t.environment}</td>
              <td className="truncate px-2 py-1 text-xs text-zinc-500">{t.batch}</td>
              <td className="px-2 py-1">
                <VerdictBadge status={t.verdictStatus} reason={t.verdictReason} />
              </td>
              <td className="px-2 py-1">
                <ReviewBadge status={t.reviewStatus} />
              </td>
              <td className="px-2 py-1 text-right tabular-nums text-xs">{t.revisionCount}</td>
              <td className="px-2 py-1 text-right tabular-nums text-xs">{t.failureCaseCount}</td>
              <td className="truncate px-2 py-1 text-zinc-700 dark:text-zinc-300" title={t.instruction}>
                {t.instruction}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.isPending ? <p className="p-4 text-zinc-500">Loading…</p> : null}
      {!list.isPending && rows.length === 0 ? (
        <p className="p-8 text-center text-zinc-500">
          No tasks match. {anyFilter ? "Clear the filters, or " : ""}
          <Link href="/import" className="text-sky-700 underline dark:text-sky-400">import a file</Link>.
        </p>
      ) : null}
      <div ref={sentinel} className="h-8" />
      {list.isFetchingNextPage ? <p className="px-4 pb-4 text-xs text-zinc-500">Loading more…</p> : null}
      <p className="px-4 pb-6 text-[11px] text-zinc-400">Keys: / search · j/k move · Enter open</p>
    </div>
  );
}
