"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRef } from "react";
import type { TaskQuery } from "@/lib/task-query";
import { useRole } from "../auth/use-role";
import { useTRPC } from "../trpc";
import { BulkActions } from "./bulk-actions";
import { FacetBar } from "./facet-bar";
import { hasFilter, withParams } from "./list-params";
import { RerunProgress } from "./rerun-progress";
import { TaskTable, type Exclusions } from "./task-table";
import { useListParams } from "./use-list-params";
import { useSelection } from "./use-selection";

/**
 * The task list: facets and search in the URL, a virtualized keyset-paged table, bulk actions on a
 * selection or on all matching. `fixed` pins filters the user cannot change (a dataset page lists
 * its working set this way, with `exclusions` saying what the next version would leave out).
 */
export function TaskList({
  fixed = {},
  exclusions,
  className = "h-[calc(100vh-2.75rem)]",
}: {
  fixed?: Partial<TaskQuery>;
  exclusions?: Exclusions;
  className?: string;
}) {
  const trpc = useTRPC();
  const { can } = useRole();
  // Whether any bulk action is the role's: a viewer gets no selection at all.
  const selectable = can("review") || can("label") || can("runFilter") || can("manageDatasets");
  const { input, filter, query, setParams, clear } = useListParams(fixed);
  const counts = useQuery({ ...trpc.task.facetCounts.queryOptions(filter), placeholderData: (prev) => prev });
  // The total comes with the facet counts (one pass over the tasks for both); while a new filter
  // loads, the previous figures stay rather than flashing.
  const total = counts.isPlaceholderData ? undefined : counts.data?.total;
  const list = useInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  // The list this is, as the task page and the review queue read it (the fixed filters included).
  const listQuery = withParams(query, fixed);
  const selection = useSelection(listQuery, filter, total);
  const searchRef = useRef<HTMLInputElement>(null);
  const openHref = (taskId: number) => `/tasks/${taskId}${listQuery ? `?from=${encodeURIComponent(listQuery)}` : ""}`;
  const anyFilter = hasFilter(filter, fixed);

  return (
    <div className={`flex flex-col ${className}`}>
      <FacetBar
        input={input}
        counts={counts.data}
        total={total}
        fixed={fixed}
        anyFilter={anyFilter}
        query={listQuery}
        setParams={setParams}
        clear={clear}
        searchRef={searchRef}
        canReview={can("review")}
      />
      {selectable ? <BulkActions selection={selection} total={total} dataset={fixed.dataset} can={can} /> : null}
      <RerunProgress canCancel={can("runFilter")} />
      {list.error ? <p className="p-4 text-rose-600">Could not load tasks: {list.error.message}</p> : null}
      <TaskTable
        list={list}
        selection={selection}
        selectable={selectable}
        openHref={openHref}
        onSearchKey={() => searchRef.current?.focus()}
        exclusions={exclusions}
        empty={
          fixed.dataset ? (
            <>
              No task of the working set matches
              {anyFilter ? ": clear the filters" : ". Add approved tasks from the task list"}.
            </>
          ) : (
            <>
              No tasks match. {anyFilter ? "Clear the filters, or " : ""}
              <Link href="/import" className="text-sky-700 underline dark:text-sky-400">
                import a file
              </Link>
              .
            </>
          )
        }
      />
      <p className="border-t border-zinc-200 px-4 py-1 text-[11px] text-zinc-500 dark:border-zinc-800">
        Keys: / search · j/k move{selectable ? " · x select" : ""} · Enter open · on a task: ? for all shortcuts
      </p>
    </div>
  );
}
