"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ReviewStatus } from "@/lib/cat";
import { taskListInputSchema } from "@/lib/task-query";
import { useRole } from "../auth/use-role";
import type { MonacoEditor } from "../editor/code-view";
import { EditorCommandsProvider } from "../editor/editor-commands";
import { when } from "../format";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Notice } from "../ui/notice";
import { Section } from "../ui/section";
import { CommentForm } from "./comment-form";
import { ConflictPanel } from "./conflict-panel";
import { EditPanel } from "./edit-panel";
import { errorMarkers, runErrorMarkers } from "./error-markers";
import { HistoryPanel } from "./history-panel";
import { LabelsEditor } from "./labels-editor";
import { ReviewActions } from "./review-actions";
import { ReviewerDecisions } from "./reviewer-decisions";
import { RunMatrix } from "./run-matrix";
import { ShortcutHelp } from "./shortcut-help";
import { StrengthPanel } from "./strength-panel";
import { TaskEditors } from "./task-editors";
import { TaskHeader } from "./task-header";
import { useDraft } from "./use-draft";
import { useEditActions } from "./use-edit-actions";
import { useReviewDecision } from "./use-review-decision";
import { useTaskRuns } from "./use-task-runs";
import { useTaskShortcuts } from "./use-task-shortcuts";

const nothing = () => {};

/**
 * One task: edit it, try and save revisions, see the filter's case matrix, review it. What the
 * signed-in role cannot do is not shown (a viewer reads; a reviewer reviews, labels, comments and
 * tries; a curator also edits).
 */
export function TaskWorkspace({ id, backQuery, queue }: { id: number; backQuery: string; queue: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { user, can } = useRole();
  const task = useQuery(trpc.task.get.queryOptions({ id }));
  // The list this task was opened from (its filter and order): j/k and the queue walk it.
  const listInput = useMemo(() => {
    const parsed = taskListInputSchema.safeParse(Object.fromEntries(new URLSearchParams(backQuery)));
    return parsed.success ? parsed.data : taskListInputSchema.parse({});
  }, [backQuery]);
  const neighbors = useQuery(trpc.review.neighbors.queryOptions({ ...listInput, cursor: undefined, taskId: id }));
  const runs = useTaskRuns(id);
  const back = `/tasks${backQuery ? `?${backQuery}` : ""}`;
  const go = (taskId: number) =>
    router.push(`/tasks/${taskId}?from=${encodeURIComponent(backQuery)}${queue ? "&queue=1" : ""}`);
  const { prevId, nextId } = neighbors.data ?? {};

  const base = task.data?.currentRevision ?? null;
  const draft = useDraft(id, base, can("edit"));
  const actions = useEditActions(id, draft);
  const review = useReviewDecision({
    taskId: id,
    // In the review queue a decision moves on (needs edit stays: the next step is editing).
    onDecided: (s: ReviewStatus) => queue && s !== "needs_edit" && s !== "unreviewed" && nextId && go(nextId),
  });

  // Markers: from the last Try, else from the newest run of the current revision.
  const markers = useMemo(() => {
    if (actions.tried) return errorMarkers(actions.tried);
    const shown = runs.data?.shown;
    const run = runs.data?.runs.find((r) => r.id === shown?.id);
    return shown && base && run?.revisionId === base.id ? runErrorMarkers(shown) : {};
  }, [actions.tried, runs.data, base]);

  const [help, setHelp] = useState(false);
  const verifierEditor = useRef<MonacoEditor | null>(null);
  const labelsRef = useRef<HTMLFieldSetElement>(null);
  useTaskShortcuts({
    prevId,
    nextId,
    go,
    back: () => router.push(back),
    decide: can("review") ? review.decide : nothing,
    tryEdit: can("try") ? actions.tryEdit : nothing,
    save: can("edit") ? actions.save : nothing,
    toggleHelp: () => setHelp((h) => !h),
    verifierEditor,
    labels: labelsRef,
  });
  const panel = can("try") || can("edit");

  // The review queue remembers where you were, per filter.
  useEffect(() => {
    if (queue) localStorage.setItem(`cat-queue:${backQuery}`, String(id));
  }, [queue, backQuery, id]);

  if (task.isPending) return <p className="p-4 text-zinc-500">Loading…</p>;
  if (task.error) {
    return (
      <div className="p-4">
        <p className="text-rose-600">{task.error.message}</p>
        <Link href={back} className="text-sky-700 underline dark:text-sky-400">
          Back to the list
        </Link>
      </div>
    );
  }
  const t = task.data;
  if (!base || !draft.content) return <p className="p-4 text-zinc-500">This task has no revision.</p>;

  return (
    <EditorCommandsProvider commands={{ tryEdit: actions.tryEdit, save: actions.save }}>
      <div className="mx-auto flex max-w-[100rem] flex-col gap-4 px-4 py-4">
        <TaskHeader
          task={t}
          back={back}
          queue={queue}
          prevId={prevId}
          nextId={nextId}
          go={go}
          onHelp={() => setHelp(true)}
        />
        <ShortcutHelp open={help} onClose={() => setHelp(false)} can={can} />
        {draft.restoredAt && draft.dirty ? (
          <Notice tone="warn">
            Restored your unsaved edit from {when(draft.restoredAt)}
            {draft.draft && draft.draft.base !== base.id
              ? " — it was made on an older revision; saving will show both versions"
              : ""}
            .{" "}
            <Button variant="link" size="xs" onClick={actions.discard}>
              Discard it
            </Button>
          </Notice>
        ) : null}
        <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_26rem]">
          <TaskEditors
            task={t}
            content={draft.content}
            dirty={draft.dirty}
            edit={can("edit") ? draft.edit : undefined}
            markers={markers}
            verifierEditor={verifierEditor}
          />
          <aside className="flex min-w-0 flex-col gap-4 lg:sticky lg:top-14 lg:max-h-[calc(100vh-4rem)] lg:overflow-y-auto">
            {panel ? (
              <EditPanel actions={actions} dirty={draft.dirty} runs={runs.data?.runs} canSave={can("edit")} />
            ) : null}
            {actions.conflict && can("edit") ? (
              <ConflictPanel
                theirs={actions.conflict}
                merging={actions.merging}
                mine={draft.content}
                onKeepMine={actions.keepMine}
                onTakeTheirs={actions.takeTheirs}
              />
            ) : null}
            <RunMatrix taskId={id} latest={runs.data} canRun={can("runFilter")} />
            <StrengthPanel
              taskId={id}
              base={base}
              runs={runs.data?.runs}
              canCheck={can("checkStrength")}
              canAdd={can("edit")}
            />
            <Section card aria-label="Review">
              <ReviewActions task={t} review={review} canDecide={can("review")} />
              <ReviewerDecisions taskId={id} meId={user?.id} canAdjudicate={can("adjudicate")} />
              {can("label") ? (
                <LabelsEditor
                  taskId={id}
                  on={t.labels.map((l) => l.label.id)}
                  groupRef={labelsRef}
                  canEditSet={can("editLabelSet")}
                />
              ) : null}
              {can("comment") ? <CommentForm taskId={id} /> : null}
            </Section>
            <HistoryPanel taskId={id} />
          </aside>
        </div>
      </div>
    </EditorCommandsProvider>
  );
}
