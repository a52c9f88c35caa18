"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState, type RefObject } from "react";
import { REJECT_REASONS, REVIEW_STATUSES, VERDICT_STATUSES } from "@/lib/cat";
import { SORT_FIELDS, type TaskFilter, type TaskListInput } from "@/lib/task-query";
import { plural } from "../format";
import { useTRPC, type RouterOutputs } from "../trpc";
import { buttonClass, Button } from "../ui/button";
import { Input, Select } from "../ui/field";
import { FacetSelect } from "./facet-select";

type Counts = RouterOutputs["task"]["facetCounts"];
const SORT_LABEL: Record<(typeof SORT_FIELDS)[number], string> = {
  created: "Imported",
  updated: "Updated",
  externalId: "Task id",
};
const YES_NO = ["yes", "no"] as const;

/** Whether the server counted a facet (or the total) on a sample: then the UI says "about". */
function isApproximate(counts: Counts | undefined, key: string): boolean {
  if (!counts || !("approximate" in counts)) return false;
  const flags: unknown = counts.approximate;
  return typeof flags === "object" && flags !== null && Reflect.get(flags, key) === true;
}

/** A facet's counts when the server counts that facet (newer facets may not be counted yet). */
function countsOf(counts: Counts | undefined, key: string): Record<string, number> | undefined {
  const c: unknown = counts ? Reflect.get(counts, key) : undefined;
  return typeof c === "object" && c !== null && Object.values(c).every((n) => typeof n === "number")
    ? (c as Record<string, number>)
    : undefined;
}

/** Search, the facets (each with its live counts), sort, and the list's total. */
export function FacetBar({
  input,
  counts,
  total,
  fixed,
  anyFilter,
  query,
  setParams,
  clear,
  searchRef,
}: {
  input: TaskListInput;
  counts: Counts | undefined;
  total: number | undefined;
  fixed: Partial<TaskFilter>;
  anyFilter: boolean;
  query: string;
  setParams: (changes: Record<string, string | undefined>) => void;
  clear: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const trpc = useTRPC();
  const facets = useQuery(trpc.task.facets.queryOptions());
  const labels = useQuery(trpc.review.labels.queryOptions());
  const datasets = useQuery({ ...trpc.dataset.list.queryOptions(), enabled: !fixed.dataset });

  // Typing stays local and reaches the URL (and the server) after a short pause.
  const [search, setSearch] = useState(input.q ?? "");
  const pause = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(pause.current), []);
  const type = (value: string) => {
    setSearch(value);
    clearTimeout(pause.current);
    pause.current = setTimeout(() => setParams({ q: value.trim() || undefined }), 250);
  };

  const facet = (
    label: string,
    key: keyof TaskFilter & string,
    options: readonly string[],
    counted?: Record<string, number>,
  ) =>
    fixed[key] === undefined ? (
      <FacetSelect
        key={key}
        label={label}
        value={input[key]}
        options={options}
        counts={counted}
        onChange={(v) => setParams({ [key]: v })}
      />
    ) : null;

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
      <Input
        ref={searchRef}
        type="search"
        className="w-72"
        placeholder="Search instructions and code…  ( / )"
        aria-label="Search instructions and code"
        value={search}
        onChange={(e) => type(e.target.value)}
      />
      {facet("Environment", "environment", facets.data?.environments ?? [], counts?.environment)}
      {facet("Batch", "batch", facets.data?.batches ?? [], counts?.batch)}
      {facet("Verdict", "verdict", VERDICT_STATUSES, counts?.verdict)}
      {facet("Reason", "reason", REJECT_REASONS, counts?.reason)}
      {facet("Review", "review", REVIEW_STATUSES, counts?.review)}
      {facet("Review is stale", "stale", YES_NO, countsOf(counts, "stale"))}
      {facet("Override", "override", YES_NO)}
      {facet("Label", "label", labels.data?.map((l) => l.name) ?? [], counts?.label)}
      {facet("Edit outcome", "edit", ["rescued", "newly_rejected"])}
      {facet("Comments", "comments", YES_NO, counts?.comments)}
      {facet("Edited", "edited", YES_NO, counts?.edited)}
      {facet("Dataset", "dataset", datasets.data?.map((d) => d.name) ?? [])}
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the Select inside is the control */}
      <label className="flex items-center gap-1.5 text-xs text-zinc-500">
        Sort
        <Select
          aria-label="Sort"
          value={input.sort}
          onChange={(e) => setParams({ sort: e.target.value === "created" ? undefined : e.target.value })}
        >
          {SORT_FIELDS.map((s) => (
            <option key={s} value={s}>
              {SORT_LABEL[s]}
            </option>
          ))}
        </Select>
        <Button
          size="xs"
          aria-label={input.dir === "desc" ? "Sorted descending; sort ascending" : "Sorted ascending; sort descending"}
          onClick={() => setParams({ dir: input.dir === "desc" ? "asc" : undefined })}
        >
          {input.dir === "desc" ? "↓" : "↑"}
        </Button>
      </label>
      {anyFilter ? (
        <Button
          variant="link"
          size="xs"
          onClick={() => {
            clearTimeout(pause.current);
            setSearch("");
            clear();
          }}
        >
          Clear filters
        </Button>
      ) : null}
      <Link
        href={`/review${query ? `?${query}` : ""}`}
        className={buttonClass({ size: "sm", className: "ml-auto" })}
        title="Walk this filter one task at a time"
      >
        Review queue →
      </Link>
      <span className="text-xs text-zinc-500" data-testid="task-count">
        {total === undefined ? "…" : `${isApproximate(counts, "total") ? "about " : ""}${plural(total, "task")}`}
      </span>
    </div>
  );
}
