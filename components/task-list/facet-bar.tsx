"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState, type RefObject } from "react";
import { REJECT_REASONS, REVIEW_STATUSES, VERDICT_STATUSES } from "@/lib/cat";
import { STRENGTH_LABELS, STRENGTH_STATUSES } from "@/lib/strength";
import { SORT_FIELDS, type TaskQuery, type TaskListInput } from "@/lib/task-query";
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
  lenient: "Suspected lenient first",
};
const YES_NO = ["yes", "no"] as const;
const EDIT_OUTCOMES = ["rescued", "newly_rejected"] as const;

/** The facets the server counts (typed from its answer, so a new one cannot be forgotten here). */
type CountedFacet = Exclude<keyof Counts, "total" | "approximate">;
const COUNTED: Record<CountedFacet, true> = {
  environment: true,
  batch: true,
  verdict: true,
  reason: true,
  review: true,
  stale: true,
  override: true,
  label: true,
  edit: true,
  comments: true,
  edited: true,
  strength: true,
};
const isCounted = (key: string): key is CountedFacet => Object.hasOwn(COUNTED, key);

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
  canReview,
}: {
  input: TaskListInput;
  counts: Counts | undefined;
  total: number | undefined;
  fixed: Partial<TaskQuery>;
  anyFilter: boolean;
  query: string;
  setParams: (changes: Record<string, string | undefined>) => void;
  clear: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
  /** The review queue walks the list to decide on each task: for reviewers. */
  canReview: boolean;
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

  // A facet the server counts shows its counts, "about" where it counted on a sample.
  const facet = (
    label: string,
    key: keyof TaskQuery & string,
    options: readonly string[],
    labels?: Readonly<Record<string, string>>,
  ) =>
    fixed[key] === undefined ? (
      <FacetSelect
        key={key}
        label={label}
        value={input[key]}
        options={options}
        counts={isCounted(key) ? counts?.[key] : undefined}
        approximate={isCounted(key) && counts?.approximate[key] === true}
        labels={labels}
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
      {facet("Environment", "environment", facets.data?.environments ?? [])}
      {facet("Batch", "batch", facets.data?.batches ?? [])}
      {facet("Verdict", "verdict", VERDICT_STATUSES)}
      {facet("Reason", "reason", REJECT_REASONS)}
      {facet("Review", "review", REVIEW_STATUSES)}
      {facet("Review is stale", "stale", YES_NO)}
      {facet("Override", "override", YES_NO)}
      {facet("Label", "label", labels.data?.map((l) => l.name) ?? [])}
      {facet("Edit outcome", "edit", EDIT_OUTCOMES)}
      {facet("Strength", "strength", STRENGTH_STATUSES, STRENGTH_LABELS)}
      {facet("Comments", "comments", YES_NO)}
      {facet("Edited", "edited", YES_NO)}
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
      {canReview ? (
        <Link
          href={`/review${query ? `?${query}` : ""}`}
          className={buttonClass({ size: "sm", className: "ml-auto" })}
          title="Walk this filter one task at a time"
        >
          Review queue →
        </Link>
      ) : null}
      <span className={`text-xs text-zinc-500 ${canReview ? "" : "ml-auto"}`} data-testid="task-count">
        {total === undefined ? "…" : `${counts?.approximate.total ? "about " : ""}${plural(total, "task")}`}
      </span>
    </div>
  );
}
