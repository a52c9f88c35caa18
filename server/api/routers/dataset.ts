import { z } from "zod";
import { addTasksToDataset, createDataset, diffVersions, listDatasets, previewPublish, publishVersion, removeTasksFromDataset } from "../../datasets/datasets";
import { EXPORT_FORMATS } from "../../datasets/export-dataset";
import { getExport, requestExport } from "../../datasets/export-jobs";
import { getRevisions } from "../../review/task-history";
import { taskSelectionSchema } from "../../review/task-selection";
import { createTRPCRouter, curatorProcedure, viewerProcedure } from "../trpc";

const name = z.string().min(1).max(100);

export const datasetRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => listDatasets({ db: ctx.db })),
  create: curatorProcedure.input(z.object({ name, description: z.string().max(2000).optional() })).mutation(({ ctx, input }) => createDataset({ db: ctx.db, userId: ctx.actor.id, ...input })),
  add: curatorProcedure.input(z.object({ dataset: name, selection: taskSelectionSchema })).mutation(({ ctx, input }) => addTasksToDataset({ db: ctx.db, userId: ctx.actor.id, ...input })),
  remove: curatorProcedure.input(z.object({ dataset: name, selection: taskSelectionSchema })).mutation(({ ctx, input }) => removeTasksFromDataset({ db: ctx.db, ...input })),
  previewPublish: viewerProcedure.input(z.object({ dataset: name })).query(({ ctx, input }) => previewPublish({ db: ctx.db, dataset: input.dataset })),
  publish: curatorProcedure
    .input(z.object({ dataset: name, name: z.string().max(100).optional(), notes: z.string().max(10_000).optional(), allowEmptyChange: z.boolean().optional() }))
    .mutation(({ ctx, input }) => publishVersion({ db: ctx.db, userId: ctx.actor.id, ...input })),
  export: curatorProcedure
    .input(z.object({ dataset: name, version: z.number().int().positive(), format: z.enum(EXPORT_FORMATS) }))
    .mutation(({ ctx, input }) => requestExport({ db: ctx.db, ref: `${input.dataset}@${input.version}`, format: input.format, userId: ctx.actor.id })),
  exportStatus: viewerProcedure.input(z.object({ exportId: z.number().int().positive() })).query(({ ctx, input }) => getExport({ db: ctx.db, exportId: input.exportId })),
  diff: viewerProcedure.input(z.object({ dataset: name, from: z.number().int().positive(), to: z.number().int().positive() })).query(({ ctx, input }) => diffVersions({ db: ctx.db, ...input })),
  revisionPair: viewerProcedure.input(z.object({ taskExternalId: z.string(), from: z.number().int(), to: z.number().int() })).query(async ({ ctx, input }) => {
    const task = await ctx.db.prisma.task.findFirst({ where: { externalId: input.taskExternalId, revisions: { some: { id: input.from } } }, select: { id: true } });
    return task ? getRevisions({ db: ctx.db, taskId: task.id, ids: [input.from, input.to] }) : [];
  }),
});
