"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { TaskContent } from "@/lib/cat";
import { contentOf, draftKey, parseStoredDraft, sameContent, type Draft } from "./draft";

/**
 * The editor's content: the current revision, or the user's unsaved edit of it. The edit is kept in
 * localStorage as it is made (written from the updates themselves, not from an effect, so a stored
 * draft is never overwritten before it has been read back). Not `editable` (below the curator role):
 * always the current revision, and no stored edit is read back.
 */
export function useDraft(taskId: number, base: (TaskContent & { id: number }) | null, editable = true) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [restoredAt, setRestoredAt] = useState<string | null>(null);
  const loadedFor = useRef<number | null>(null);
  // localStorage exists only in the browser: read after the first render, once per task.
  useEffect(() => {
    if (!base || !editable || loadedFor.current === taskId) return;
    loadedFor.current = taskId;
    const saved = parseStoredDraft(localStorage.getItem(draftKey(taskId)));
    if (saved) {
      setDraft(saved);
      setRestoredAt(saved.savedAt);
    }
  }, [base, editable, taskId]);

  const store = useCallback(
    (next: Draft | null) => {
      if (next) localStorage.setItem(draftKey(taskId), JSON.stringify(next));
      else localStorage.removeItem(draftKey(taskId));
      return next;
    },
    [taskId],
  );
  const baseId = base?.id;
  const baseContent = base ? contentOf(base) : null;
  const mine = editable ? draft : null;
  const content = mine?.content ?? baseContent;
  const dirty = !!(mine && baseContent && !sameContent(mine.content, baseContent));

  const edit = (change: Partial<TaskContent>) => {
    if (!baseContent || baseId === undefined) return;
    // From the previous draft, not from this render's content: two edits in one tick both count.
    setDraft((prev) =>
      store({
        base: prev?.base ?? baseId,
        content: { ...(prev?.content ?? baseContent), ...change },
        savedAt: new Date().toISOString(),
      }),
    );
  };
  const replace = (next: { base: number; content: TaskContent }) =>
    setDraft(store({ ...next, savedAt: new Date().toISOString() }));
  const discard = () => {
    setDraft(store(null));
    setRestoredAt(null);
  };
  return { draft: mine, content, dirty, restoredAt: editable ? restoredAt : null, edit, replace, discard };
}

export type DraftState = ReturnType<typeof useDraft>;
