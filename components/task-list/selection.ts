// Which tasks a bulk action applies to: rows picked one by one, or "all N matching" the filter. A
// selection belongs to the list it was made on: when the filter changes, it is empty again.
import type { TaskQuery } from "@/lib/task-query";

export interface SelectionState {
  /** The list (its query string) the selection was made on. */
  query: string;
  ids: ReadonlySet<number>;
  allMatching: boolean;
}

export type SelectionAction =
  | { type: "toggle"; id: number; on?: boolean }
  | { type: "allMatching" }
  | { type: "clear" };

export const emptySelection = (query: string): SelectionState => ({ query, ids: new Set(), allMatching: false });

/** The state as seen from the list `query`: a selection made on another list is empty. */
export function current(state: SelectionState, query: string): SelectionState {
  return state.query === query ? state : emptySelection(query);
}

export function reduceSelection(state: SelectionState, action: SelectionAction & { query: string }): SelectionState {
  const s = current(state, action.query);
  switch (action.type) {
    case "toggle": {
      const ids = new Set(s.ids);
      const on = action.on ?? !ids.has(action.id);
      if (on) ids.add(action.id);
      else ids.delete(action.id);
      return { ...s, ids, allMatching: false };
    }
    case "allMatching":
      return { ...s, allMatching: true };
    case "clear":
      return emptySelection(action.query);
  }
}

/** What the server's selection input is for this state. */
export function selectionInput(s: SelectionState, filter: TaskQuery): { taskIds: number[] } | { filter: TaskQuery } {
  return s.allMatching ? { filter } : { taskIds: [...s.ids] };
}

export function selectionCount(s: SelectionState, total: number | undefined): number {
  return s.allMatching ? (total ?? 0) : s.ids.size;
}
