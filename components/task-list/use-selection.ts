"use client";
import { useState } from "react";
import type { TaskQuery } from "@/lib/task-query";
import {
  current,
  emptySelection,
  reduceSelection,
  selectionCount,
  selectionInput,
  type SelectionAction,
} from "./selection";

/** The list's selection, tied to the list's query (see selection.ts). */
export function useSelection(query: string, filter: TaskQuery, total: number | undefined) {
  const [state, setState] = useState(() => emptySelection(query));
  const s = current(state, query);
  const dispatch = (action: SelectionAction) => setState((prev) => reduceSelection(prev, { ...action, query }));
  return {
    ids: s.ids,
    allMatching: s.allMatching,
    count: selectionCount(s, total),
    input: selectionInput(s, filter),
    isSelected: (id: number) => s.allMatching || s.ids.has(id),
    toggle: (id: number, on?: boolean) => dispatch({ type: "toggle", id, on }),
    selectAllMatching: () => dispatch({ type: "allMatching" }),
    clear: () => dispatch({ type: "clear" }),
  };
}

export type Selection = ReturnType<typeof useSelection>;
