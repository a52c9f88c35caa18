"use client";
import type { RefObject } from "react";
import type { ReviewStatus } from "@/lib/cat";
import type { MonacoEditor } from "../editor/code-view";
import { useHotkeys } from "../ui/use-hotkeys";

/** The task page's keys (the cheat sheet in shortcut-help.tsx lists them). */
export function useTaskShortcuts({
  prevId,
  nextId,
  go,
  back,
  decide,
  tryEdit,
  save,
  toggleHelp,
  verifierEditor,
  labels,
}: {
  prevId: number | null | undefined;
  nextId: number | null | undefined;
  go: (taskId: number) => void;
  back: () => void;
  decide: (status: ReviewStatus) => void;
  tryEdit: () => void;
  save: () => void;
  toggleHelp: () => void;
  verifierEditor: RefObject<MonacoEditor | null>;
  labels: RefObject<HTMLFieldSetElement | null>;
}) {
  useHotkeys({
    // With a modifier: these work while typing (and Monaco runs them as its own actions).
    "mod+enter": tryEdit,
    "mod+s": save,
    j: () => nextId && go(nextId),
    k: () => prevId && go(prevId),
    a: () => decide("approved"),
    r: () => decide("rejected"),
    n: () => decide("needs_edit"),
    e: () => verifierEditor.current?.focus(),
    l: () => labels.current?.querySelector<HTMLElement>("button")?.focus(),
    t: tryEdit,
    "?": toggleHelp,
    Escape: back,
  });
}
