import { z } from "zod";
import { REVIEW_STATUSES, taskContentSchema } from "@/lib/cat";
import { taskListInputSchema } from "@/lib/task-query";
import { addComment, createLabel, deleteLabel, listLabels, setReviewStatus, setTaskLabel } from "../../review/review-tasks";
import { saveTaskRevision } from "../../review/save-revision";
import { getRevisions, getTaskHistory } from "../../review/task-history";
import { taskSelectionSchema } from "../../review/task-selection";
import { tryTaskEdit } from "../../review/try-task";
import { getTaskNeighbors } from "../../tasks/list-tasks";
import { createTRPCRouter, curatorProcedure, reviewerProcedure, viewerProcedure } from "../trpc";

const id = z.number().int().positive();

export const reviewRouter = createTRPCRouter({
  save: curatorProcedure
    .input(z.object({ taskId: id, baseRevisionId: id, content: taskContentSchema, note: z.string().max(2000).optional() }))
    .mutation(({ ctx, input }) => saveTaskRevision({ db: ctx.db, userId: ctx.actor.id, ...input })),
  try: reviewerProcedure.input(z.object({ taskId: id, content: taskContentSchema })).mutation(({ ctx, input }) => tryTaskEdit({ db: ctx.db, userId: ctx.actor.id, ...input })),
  setStatus: reviewerProcedure
    .input(z.object({ selection: taskSelectionSchema, status: z.enum(REVIEW_STATUSES), override: z.object({ reason: z.string().min(1).max(2000) }).optional() }))
    .mutation(({ ctx, input }) => setReviewStatus({ db: ctx.db, userId: ctx.actor.id, ...input })),
  labels: viewerProcedure.query(({ ctx }) => listLabels({ db: ctx.db })),
  createLabel: curatorProcedure
    .input(z.object({ name: z.string().max(200), description: z.string().max(300).optional(), color: z.string().max(20).optional() }))
    .mutation(({ ctx, input }) => createLabel({ db: ctx.db, ...input })),
  deleteLabel: curatorProcedure.input(z.object({ labelId: id })).mutation(({ ctx, input }) => deleteLabel({ db: ctx.db, labelId: input.labelId })),
  setLabel: reviewerProcedure
    .input(z.object({ selection: taskSelectionSchema, labelId: id, on: z.boolean() }))
    .mutation(({ ctx, input }) => setTaskLabel({ db: ctx.db, userId: ctx.actor.id, ...input })),
  comment: reviewerProcedure.input(z.object({ taskId: id, body: z.string().max(20_000) })).mutation(({ ctx, input }) => addComment({ db: ctx.db, userId: ctx.actor.id, ...input })),
  history: viewerProcedure.input(z.object({ taskId: id })).query(({ ctx, input }) => getTaskHistory({ db: ctx.db, taskId: input.taskId })),
  revisions: viewerProcedure.input(z.object({ taskId: id, ids: z.array(id).min(1).max(10) })).query(({ ctx, input }) => getRevisions({ db: ctx.db, ...input })),
  neighbors: viewerProcedure.input(taskListInputSchema.extend({ taskId: id })).query(({ ctx, input }) => {
    const { taskId, ...list } = input;
    return getTaskNeighbors({ db: ctx.db, taskId, input: list });
  }),
});
