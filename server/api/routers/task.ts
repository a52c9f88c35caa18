import { z } from "zod";
import { taskFilterSchema, taskListInputSchema } from "@/lib/task-query";
import { getFacetCounts } from "../../tasks/facet-counts";
import { getTask } from "../../tasks/get-task";
import { countTasks, listTaskFacets, listTasks } from "../../tasks/list-tasks";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const taskRouter = createTRPCRouter({
  list: viewerProcedure.input(taskListInputSchema).query(({ ctx, input }) => listTasks({ db: ctx.db, input })),
  count: viewerProcedure.input(taskFilterSchema).query(({ ctx, input }) => countTasks({ db: ctx.db, filter: input })),
  facets: viewerProcedure.query(({ ctx }) => listTaskFacets({ db: ctx.db })),
  facetCounts: viewerProcedure.input(taskFilterSchema).query(({ ctx, input }) => getFacetCounts({ db: ctx.db, filter: input })),
  get: viewerProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getTask({ db: ctx.db, id: input.id })),
});
