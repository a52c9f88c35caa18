import { z } from "zod";
import { taskContentSchema } from "@/lib/cat";
import { taskListInputSchema } from "@/lib/task-query";
import { roleAtLeast } from "../../auth/roles";
import { decideTask } from "../../review/decide-task";
import { blindHistory } from "../../review/review-policy";
import {
  addComment,
  createLabel,
  deleteLabel,
  listLabels,
  setReviewStatus,
  setTaskLabel,
} from "../../review/review-tasks";
import { saveTaskRevision } from "../../review/save-revision";
import { getRevisions, getTaskHistory } from "../../review/task-history";
import { tryTaskEdit } from "../../review/try-task";
import { getTaskNeighbors } from "../../tasks/list-tasks";
import { id } from "../contract/common";
import {
  commentInput,
  commentOutput,
  countOutput,
  createLabelInput,
  decideInput,
  decideOutput,
  historyOutput,
  label,
  labelRef,
  labelsOutput,
  setLabelInput,
  setStatusInput,
  setStatusOutput,
} from "../contract/review";
import { taskRef } from "../contract/tasks";
import { AppError } from "../../errors";
import { API_LIMITS } from "../limits";
import { createTRPCRouter, curatorProcedure, reviewerProcedure, viewerProcedure } from "../trpc";

export const reviewRouter = createTRPCRouter({
  save: curatorProcedure
    .input(
      z.object({
        taskId: id,
        baseRevisionId: id,
        content: taskContentSchema,
        note: z.string().max(API_LIMITS.revisionNoteChars).optional(),
      }),
    )
    .mutation(({ ctx, input }) => saveTaskRevision({ db: ctx.db, userId: ctx.actor.id, ...input })),
  try: reviewerProcedure
    .input(z.object({ taskId: id, content: taskContentSchema }))
    .mutation(({ ctx, input }) => tryTaskEdit({ db: ctx.db, userId: ctx.actor.id, ...input })),
  decide: reviewerProcedure
    .meta({
      output: decideOutput,
      rest: {
        method: "POST",
        path: "/tasks/{taskId}/review",
        status: 200,
        summary:
          "Review the task's current revision: {decision: approve|reject|needs_edit, reason?}. Approving a task the filter did not accept needs the override reason (409 without).",
      },
    })
    .input(decideInput)
    .mutation(({ ctx, input }) => {
      if (input.adjudicate && !roleAtLeast(ctx.actor.role, "curator"))
        throw new AppError("FORBIDDEN", "Adjudicating a disagreement needs the curator role.");
      return decideTask({ db: ctx.db, userId: ctx.actor.id, ...input });
    }),
  setStatus: reviewerProcedure
    .meta({
      output: setStatusOutput,
      rest: {
        method: "POST",
        path: "/reviews",
        status: 200,
        summary:
          "One decision on many tasks: {selection: {taskIds}|{filter}, status, override?: {reason}}. Tasks that need an override and have none are reported, not changed.",
      },
    })
    .input(setStatusInput)
    .mutation(({ ctx, input }) => setReviewStatus({ db: ctx.db, userId: ctx.actor.id, ...input })),
  labels: viewerProcedure
    .meta({
      output: labelsOutput,
      rest: { method: "GET", path: "/labels", summary: "The label set, with how many tasks carry each." },
    })
    .query(({ ctx }) => listLabels({ db: ctx.db })),
  createLabel: curatorProcedure
    .meta({
      output: label,
      rest: {
        method: "POST",
        path: "/labels",
        summary: "Add a label to the label set: {name, description?, color?: #rrggbb}.",
      },
    })
    .input(createLabelInput)
    .mutation(({ ctx, input }) => createLabel({ db: ctx.db, ...input })),
  deleteLabel: curatorProcedure
    .meta({
      rest: {
        method: "DELETE",
        path: "/labels/{labelId}",
        summary: "Remove a label from the set (and from every task).",
      },
    })
    .input(labelRef)
    .mutation(({ ctx, input }) => deleteLabel({ db: ctx.db, labelId: input.labelId })),
  setLabel: reviewerProcedure
    .meta({
      output: countOutput,
      rest: {
        method: "POST",
        path: "/task-labels",
        status: 200,
        summary:
          "Put a label on tasks or take it off: {selection: {taskIds}|{filter}, label (name) or labelId, on: true|false}.",
      },
    })
    .input(setLabelInput)
    .mutation(async ({ ctx, input }) => {
      const labelId =
        input.labelId ??
        (await ctx.db.prisma.label.findUnique({ where: { name: input.label! }, select: { id: true } }))?.id;
      if (labelId === undefined) throw new AppError("NOT_FOUND", `No label named '${input.label}'.`);
      return setTaskLabel({ db: ctx.db, userId: ctx.actor.id, selection: input.selection, labelId, on: input.on });
    }),
  comment: reviewerProcedure
    .meta({
      output: commentOutput,
      rest: { method: "POST", path: "/tasks/{taskId}/comments", summary: "Comment on the task: {body}." },
    })
    .input(commentInput)
    .mutation(({ ctx, input }) => addComment({ db: ctx.db, userId: ctx.actor.id, ...input })),
  history: viewerProcedure
    .meta({
      output: historyOutput,
      rest: {
        method: "GET",
        path: "/tasks/{taskId}/history",
        summary: "The task's history: revisions, filter runs, decisions, labels, comments.",
      },
    })
    .input(taskRef)
    .query(async ({ ctx, input }) =>
      blindHistory(ctx.db, input.taskId, await getTaskHistory({ db: ctx.db, taskId: input.taskId }), ctx.actor),
    ),
  revisions: viewerProcedure
    .input(z.object({ taskId: id, ids: z.array(id).min(1).max(API_LIMITS.revisionsPerRequest) }))
    .query(({ ctx, input }) => getRevisions({ db: ctx.db, ...input })),
  neighbors: viewerProcedure.input(taskListInputSchema.extend({ taskId: id })).query(({ ctx, input }) => {
    const { taskId, ...list } = input;
    return getTaskNeighbors({ db: ctx.db, taskId, input: list });
  }),
});
