import { z } from "zod";
import {
  addTasksToDataset,
  createDataset,
  diffVersions,
  listDatasets,
  previewPublish,
  publishVersion,
  removeTasksFromDataset,
} from "../../datasets/datasets";
import { getExport, requestExport } from "../../datasets/export-jobs";
import { getRevisions } from "../../review/task-history";
import {
  addOutput,
  createDatasetInput,
  createDatasetOutput,
  datasetRef,
  datasetsOutput,
  diffInput,
  diffOutput,
  exportInput,
  exportOutput,
  exportRef,
  exportStatusOutput,
  publishInput,
  publishOutput,
  publishPlan,
  removeOutput,
  workingSetChangeInput,
} from "../contract/datasets";
import { createTRPCRouter, curatorProcedure, viewerProcedure } from "../trpc";

export const datasetRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({
      output: datasetsOutput,
      rest: { method: "GET", path: "/datasets", summary: "Datasets, with their working-set size and versions." },
    })
    .query(({ ctx }) => listDatasets({ db: ctx.db })),
  create: curatorProcedure
    .meta({
      output: createDatasetOutput,
      rest: { method: "POST", path: "/datasets", summary: "Create a dataset: {name, description?}." },
    })
    .input(createDatasetInput)
    .mutation(({ ctx, input }) => createDataset({ db: ctx.db, userId: ctx.actor.id, ...input })),
  add: curatorProcedure
    .meta({
      output: addOutput,
      rest: {
        method: "POST",
        path: "/datasets/{dataset}/tasks",
        status: 200,
        bodyField: "selection",
        summary:
          "Add approved tasks to the working set: {taskIds} or {filter} (tasks not approved are skipped and counted).",
      },
    })
    .input(workingSetChangeInput)
    .mutation(({ ctx, input }) => addTasksToDataset({ db: ctx.db, userId: ctx.actor.id, ...input })),
  remove: curatorProcedure
    .meta({
      output: removeOutput,
      rest: {
        method: "DELETE",
        path: "/datasets/{dataset}/tasks",
        bodyField: "selection",
        summary: "Take tasks out of the working set: {taskIds} or {filter} (within the working set).",
      },
    })
    .input(workingSetChangeInput)
    .mutation(({ ctx, input }) => removeTasksFromDataset({ db: ctx.db, ...input })),
  previewPublish: viewerProcedure
    .meta({
      output: publishPlan,
      rest: {
        method: "GET",
        path: "/datasets/{dataset}/publish-preview",
        summary: "What publishing now would do: tasks in, tasks left out and why, changes against the latest version.",
      },
    })
    .input(datasetRef)
    .query(({ ctx, input }) => previewPublish({ db: ctx.db, dataset: input.dataset })),
  publish: curatorProcedure
    .meta({
      output: publishOutput,
      rest: {
        method: "POST",
        path: "/datasets/{dataset}/versions",
        summary:
          "Publish the working set as a new immutable version: {name?, notes?, allowEmptyChange?}. The answer lists every task left out and why; version is null when nothing changed.",
      },
    })
    .input(publishInput)
    .mutation(({ ctx, input }) => publishVersion({ db: ctx.db, userId: ctx.actor.id, ...input })),
  export: curatorProcedure
    .meta({
      output: exportOutput,
      rest: {
        method: "POST",
        path: "/datasets/{dataset}/exports",
        summary:
          "Export a version in the background: {format: jsonl|parquet|hf, version?}. Poll GET /exports/{exportId}, then download /api/exports/{exportId}/download.",
      },
    })
    .input(exportInput)
    .mutation(({ ctx, input }) =>
      requestExport({
        db: ctx.db,
        ref: input.version ? `${input.dataset}@${input.version}` : input.dataset,
        format: input.format,
        userId: ctx.actor.id,
      }),
    ),
  exportStatus: viewerProcedure
    .meta({
      output: exportStatusOutput,
      rest: {
        method: "GET",
        path: "/exports/{exportId}",
        summary: "An export's status and progress (done of total tasks); ready when the file can be downloaded.",
      },
    })
    .input(exportRef)
    .query(({ ctx, input }) => getExport({ db: ctx.db, exportId: input.exportId })),
  diff: viewerProcedure
    .meta({
      output: diffOutput,
      rest: {
        method: "GET",
        path: "/datasets/{dataset}/diff",
        summary: "Tasks added, removed and changed (another revision) between two versions: ?from=&to=.",
      },
    })
    .input(diffInput)
    .query(({ ctx, input }) => diffVersions({ db: ctx.db, ...input })),
  revisionPair: viewerProcedure
    .input(z.object({ taskExternalId: z.string(), from: z.number().int(), to: z.number().int() }))
    .query(async ({ ctx, input }) => {
      const task = await ctx.db.prisma.task.findFirst({
        where: { externalId: input.taskExternalId, revisions: { some: { id: input.from } } },
        select: { id: true },
      });
      return task ? getRevisions({ db: ctx.db, taskId: task.id, ids: [input.from, input.to] }) : [];
    }),
});
