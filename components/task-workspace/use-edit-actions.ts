"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC, type RouterOutputs } from "../trpc";
import { conflictOf, type ConflictingRevision } from "./conflict";
import type { DraftState } from "./use-draft";
import { useInvalidateTask } from "./use-invalidate-task";
import { mergeDraft } from "./merge-draft";

export type TryResult = RouterOutputs["review"]["try"];

/** Try (run the edit without saving), Save (a new revision), and the conflict when someone saved first. */
export function useEditActions(taskId: number, edit: DraftState) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateTask(taskId);
  const [tried, setTried] = useState<TryResult | null>(null);
  const [saved, setSaved] = useState<{ revisionId: number; number: number } | null>(null);
  const [conflict, setConflict] = useState<ConflictingRevision | null>(null);
  // While a merge fetches the revision the edit started from, Save would still send the old base.
  const [merging, setMerging] = useState(false);

  const tryMut = useMutation(trpc.review.try.mutationOptions({ onSuccess: setTried }));
  const saveMut = useMutation(
    trpc.review.save.mutationOptions({
      onSuccess: async (r) => {
        edit.discard();
        setConflict(null);
        setTried(null);
        setSaved({ revisionId: r.revisionId, number: r.number });
        // The new revision, its queued run, the review it made stale.
        await invalidate({ runs: true });
      },
      onError: (err) => setConflict(conflictOf(err)),
    }),
  );

  const tryEdit = () => {
    if (edit.content && !tryMut.isPending) tryMut.mutate({ taskId, content: edit.content });
  };
  const save = () => {
    if (edit.content && edit.draft && edit.dirty && !saveMut.isPending && !merging)
      saveMut.mutate({ taskId, baseRevisionId: edit.draft.base, content: edit.content });
  };
  /** My edit on top of theirs: fields I did not touch take their version. */
  const keepMine = async () => {
    if (!conflict || !edit.content || merging) return;
    setMerging(true);
    try {
      const [ancestor] = edit.draft
        ? await queryClient.fetchQuery(trpc.review.revisions.queryOptions({ taskId, ids: [edit.draft.base] }))
        : [];
      edit.replace({
        base: conflict.id,
        content: mergeDraft({ ancestor: ancestor ?? null, mine: edit.content, theirs: conflict }),
      });
      setConflict(null);
    } finally {
      setMerging(false);
    }
    await invalidate();
  };
  const takeTheirs = async () => {
    edit.discard();
    setConflict(null);
    await invalidate({ runs: true });
  };
  const discard = () => {
    edit.discard();
    setConflict(null);
  };

  return {
    tryEdit,
    save,
    keepMine,
    takeTheirs,
    discard,
    tried,
    trying: tryMut.isPending,
    tryError: tryMut.error?.message ?? null,
    saved,
    saving: saveMut.isPending,
    merging,
    saveError: conflict ? null : (saveMut.error?.message ?? null),
    conflict,
  };
}

export type EditActions = ReturnType<typeof useEditActions>;
