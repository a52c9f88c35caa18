import { z } from "zod";
import { taskFilterSchema, taskListInputSchema } from "@/lib/task-query";
import { getFacetCounts } from "../../tasks/facet-counts";
import { getTask } from "../../tasks/get-task";
import { countTasks, listTaskFacets, listTasks } from "../../tasks/list-tasks";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const taskRouter = createTRPCRouter({
  list: publicProcedure.input(taskListInputSchema).query(({ ctx, input }) => listTasks({ db: ctx.db, input })),
  count: publicProcedure.input(taskFilterSchema).query(({ ctx, input }) => countTasks({ db: ctx.db, filter: input })),
  facets: publicProcedure.query(({ ctx }) => listTaskFacets({ db: ctx.db })),
  facetCounts: publicProcedure.input(taskFilterSchema).query(({ ctx, input }) => getFacetCounts({ db: ctx.db, filter: input })),
  get: publicProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getTask({ db: ctx.db, id: input.id })),
});
