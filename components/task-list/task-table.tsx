// biome-ignore-all lint/a11y/useSemanticElements: a virtualized table (see below)
// biome-ignore-all lint/a11y/useFocusableInteractive: rows are reached by j/k, not by Tab
// biome-ignore-all lint/a11y/useKeyWithClickEvents: a click only marks the row active; j/k do that by keyboard
"use client";
// A virtualized table: rows are absolutely positioned in a scrolling box, which <table> layout does
// not allow, so the table semantics are ARIA roles on divs.
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import type { StrengthStatus } from "@/lib/strength";
import { ReviewBadge, VerdictBadge } from "../badges";
import { StrengthBadge } from "../strength/strength-badge";
import type { RouterOutputs } from "../trpc";
import { Badge } from "../ui/badge";
import { Checkbox } from "../ui/field";
import { useHotkeys } from "../ui/use-hotkeys";
import type { Selection } from "./use-selection";

type Page = RouterOutputs["task"]["list"];
/** Why a working-set task would be left out of the next version (dataset page), by task id. */
export type Exclusions = { byExternalId: Map<string, string>; complete: boolean };

const ROW_PX = 30;
const COLS = "grid-cols-[2rem_11rem_6rem_9rem_15rem_8rem_3rem_3rem_minmax(0,1fr)]";
const COLS_WITH_PUBLISH = "grid-cols-[2rem_11rem_6rem_9rem_15rem_8rem_3rem_3rem_minmax(0,1fr)_13rem]";

/**
 * A row's verifier strength, shown where it says something (not "not checked", not "no leak found").
 * Read defensively: rows of a list service that does not carry the column yet show no badge.
 */
/** Shown on a row only when it is a warning. */
function strengthOf(row: { strength: StrengthStatus }): StrengthStatus | null {
  return row.strength !== "unchecked" && row.strength !== "strong" ? row.strength : null;
}

const HEADERS: Array<[string, string?]> = [
  ["Task"],
  ["Environment"],
  ["Batch"],
  ["Verdict"],
  ["Review"],
  ["Rev", "Revisions"],
  ["FC", "Failure cases"],
  ["Instruction"],
];

/**
 * The rows, virtualized (only what is in view is in the DOM) and paged by keyset cursor as you
 * scroll. Keys: j/k move, x selects (when there is something to do with a selection), Enter or o
 * opens, / searches.
 */
export function TaskTable({
  list,
  selection,
  selectable,
  openHref,
  onSearchKey,
  exclusions,
  empty,
}: {
  /** The list's infinite query (what of it the table reads). */
  list: {
    data?: { pages: Page[] };
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => unknown;
    isPending: boolean;
    error: unknown;
  };
  selection: Selection;
  /** Whether the role can do anything with selected rows (a viewer cannot: no checkboxes). */
  selectable: boolean;
  openHref: (taskId: number) => string;
  onSearchKey: () => void;
  exclusions?: Exclusions;
  empty: React.ReactNode;
}) {
  const router = useRouter();
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 20,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (lastIndex >= rows.length - 40 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const [active, setActive] = useState(0);
  const move = (by: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, active + by));
    setActive(next);
    virtual.scrollToIndex(next, { align: "auto" });
  };
  const open = () => rows[active] && router.push(openHref(rows[active].id));
  useHotkeys({
    "/": onSearchKey,
    j: () => move(1),
    k: () => move(-1),
    x: () => selectable && rows[active] && selection.toggle(rows[active].id),
    Enter: open,
    o: open,
  });

  const cols = exclusions ? COLS_WITH_PUBLISH : COLS;
  return (
    <div className="flex min-h-0 flex-1 flex-col" role="table" aria-label="Tasks" aria-rowcount={rows.length + 1}>
      <div
        className={`grid ${cols} border-b border-zinc-200 bg-zinc-50 text-[11px] uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900`}
        role="row"
        aria-rowindex={1}
      >
        <span className="px-2 py-1.5" role="columnheader">
          <span className="sr-only">Selected</span>
        </span>
        {HEADERS.map(([h, title]) => (
          <span key={h} className={`px-2 py-1.5 ${title ? "text-right" : ""}`} role="columnheader" title={title}>
            {h}
          </span>
        ))}
        {exclusions ? (
          <span className="px-2 py-1.5" role="columnheader">
            Next version
          </span>
        ) : null}
      </div>
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" role="rowgroup" data-testid="task-table">
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((v) => {
            const t = rows[v.index]!;
            const strength = strengthOf(t);
            return (
              <div
                key={t.id}
                role="row"
                aria-rowindex={v.index + 2}
                data-row={v.index}
                data-testid="task-row"
                aria-current={v.index === active ? "true" : undefined}
                className={`absolute left-0 grid w-full ${cols} cursor-pointer items-center border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900 ${v.index === active ? "bg-sky-50 dark:bg-sky-950/40" : ""}`}
                style={{ top: v.start, height: ROW_PX }}
                onClick={() => setActive(v.index)}
              >
                <span className="px-2" role="cell">
                  {selectable ? (
                    <Checkbox
                      aria-label={`Select ${t.externalId}`}
                      checked={selection.isSelected(t.id)}
                      disabled={selection.allMatching}
                      onChange={(e) => selection.toggle(t.id, e.target.checked)}
                    />
                  ) : null}
                </span>
                <span className="truncate px-2 font-mono text-xs" role="cell">
                  <Link href={openHref(t.id)} className="text-sky-700 hover:underline dark:text-sky-400">
                    {t.externalId}
                  </Link>
                </span>
                <span className="truncate px-2 text-xs" role="cell">
                  {t.environment}
                </span>
                <span className="truncate px-2 text-xs text-zinc-500" role="cell">
                  {t.batch}
                </span>
                <span className="flex items-center gap-1 truncate px-2" role="cell">
                  <VerdictBadge status={t.verdictStatus} reason={t.verdictReason} />
                  {strength ? <StrengthBadge status={strength} /> : null}
                </span>
                <span className="px-2" role="cell">
                  <ReviewBadge status={t.reviewStatus} stale={t.reviewStale} override={t.reviewOverride} />
                </span>
                <span className="px-2 text-right text-xs tabular-nums" role="cell">
                  {t.revisionCount}
                </span>
                <span className="px-2 text-right text-xs tabular-nums" role="cell">
                  {t.failureCaseCount}
                </span>
                <span className="truncate px-2 text-zinc-700 dark:text-zinc-300" title={t.instruction} role="cell">
                  {t.instruction}
                </span>
                {exclusions ? (
                  <span className="truncate px-2 text-xs" role="cell" data-testid="publish-status">
                    <PublishStatus reason={exclusions.byExternalId.get(t.externalId)} complete={exclusions.complete} />
                  </span>
                ) : null}
              </div>
            );
          })}
        </div>
        {list.isPending ? <p className="p-4 text-zinc-500">Loading…</p> : null}
        {!list.isPending && !list.error && rows.length === 0 ? (
          <div className="p-8 text-center text-zinc-500">{empty}</div>
        ) : null}
        {list.isFetchingNextPage ? <p className="px-4 pb-4 text-xs text-zinc-500">Loading more…</p> : null}
      </div>
    </div>
  );
}

function PublishStatus({ reason, complete }: { reason: string | undefined; complete: boolean }) {
  if (reason)
    return (
      <Badge tone="amber" title={`Left out of the next version: ${reason}`}>
        left out: {reason}
      </Badge>
    );
  if (!complete) return <span className="text-zinc-500">—</span>;
  return <Badge tone="green">goes in</Badge>;
}
