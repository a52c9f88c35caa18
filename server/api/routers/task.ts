import { taskQuerySchema } from "@/lib/task-query";
import { getTaskRuns } from "../../filter/get-task-runs";
import { getStrengthOfTask } from "../../strength/get-task-strength";
import { blindListItems, blindTask } from "../../review/review-policy";
import { reviseTask, tryTaskFields } from "../../review/revise-task";
import { getFacetCounts } from "../../tasks/facet-counts";
import { getTask } from "../../tasks/get-task";
import { countTasks, listTaskFacets, listTasks } from "../../tasks/list-tasks";
import { id } from "../contract/common";
import {
  reviseInput,
  reviseOutput,
  taskDetailOutput,
  taskListInput,
  taskListOutput,
  taskRef,
  tryInput,
  tryOutput,
} from "../contract/tasks";
import { createTRPCRouter, curatorProcedure, reviewerProcedure, viewerProcedure } from "../trpc";
import { z } from "zod";

export const taskRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({
      output: taskListOutput,
      rest: [
        {
          method: "GET",
          path: "/tasks",
          summary:
            "List tasks, a keyset page at a time: filters environment, batch, verdict, reason, review, label, q (search), dataset; sort, dir, cursor, limit.",
        },
        {
          method: "GET",
          path: "/datasets/{dataset}/tasks",
          summary: "A dataset's working set, a page at a time (the same filters as GET /tasks).",
        },
      ],
    })
    .input(taskListInput)
    .query(async ({ ctx, input }) => {
      const page = await listTasks({ db: ctx.db, input });
      return { ...page, items: await blindListItems(ctx.db, page.items, ctx.actor) };
    }),
  count: viewerProcedure.input(taskQuerySchema).query(({ ctx, input }) => countTasks({ db: ctx.db, filter: input })),
  facets: viewerProcedure.query(({ ctx }) => listTaskFacets({ db: ctx.db })),
  facetCounts: viewerProcedure
    .input(taskQuerySchema)
    .query(({ ctx, input }) => getFacetCounts({ db: ctx.db, filter: input })),
  get: viewerProcedure
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => blindTask(ctx.db, await getTask({ db: ctx.db, id: input.id }), ctx.actor)),
  /** One task with the case matrix of its latest run: what a script reads. */
  detail: viewerProcedure
    .meta({
      output: taskDetailOutput,
      rest: {
        method: "GET",
        path: "/tasks/{taskId}",
        summary:
          "One task: its current revision, verdict, review, labels, verifier strength, and the case matrix of its latest filter run.",
      },
    })
    .input(taskRef)
    .query(async ({ ctx, input }) => {
      const [task, runs, strength] = await Promise.all([
        getTask({ db: ctx.db, id: input.taskId }),
        getTaskRuns({ db: ctx.db, taskId: input.taskId }),
        getStrengthOfTask(ctx.db, input.taskId),
      ]);
      return {
        ...(await blindTask(ctx.db, task, ctx.actor)),
        ...strength,
        latestRun: runs.runs[0] ?? null,
        cases: runs.shown?.cases ?? [],
      };
    }),
  revise: curatorProcedure
    .meta({
      output: reviseOutput,
      rest: {
        method: "POST",
        path: "/tasks/{taskId}/revisions",
        summary:
          "Save a new revision: any of instruction, verifier, solution, failureCases (the others stay); queues its filter run. 409 when baseRevisionId is not the current one.",
      },
    })
    .input(reviseInput)
    .mutation(({ ctx, input }) => reviseTask({ db: ctx.db, userId: ctx.actor.id, ...input })),
  tryEdit: reviewerProcedure
    .meta({
      output: tryOutput,
      rest: {
        method: "POST",
        path: "/tasks/{taskId}/try",
        status: 200,
        summary:
          "Try: run the task with the fields given (the others as they are) in the sandbox without saving; says which cases flip.",
      },
    })
    .input(tryInput)
    .mutation(({ ctx, input }) => tryTaskFields({ db: ctx.db, userId: ctx.actor.id, ...input })),
});
