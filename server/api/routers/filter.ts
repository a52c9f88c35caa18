import { z } from "zod";
import { taskFilterSchema } from "@/lib/task-query";
import { getFunnel } from "../../filter/funnel";
import { getStatistics } from "../../stats/get-statistics";
import { getTaskRuns } from "../../filter/get-task-runs";
import { getRerunProgress, listReruns } from "../../filter/rerun-progress";
import { cancelRerun, requestRerun } from "../../filter/request-rerun";
import { createTRPCRouter, curatorProcedure, viewerProcedure } from "../trpc";

const id = z.number().int().positive();

export const filterRouter = createTRPCRouter({
  rerun: curatorProcedure
    .input(z.union([z.object({ taskIds: z.array(id).min(1).max(10_000) }), z.object({ filter: taskFilterSchema })]))
    .mutation(({ ctx, input }) => requestRerun({ db: ctx.db, userId: ctx.actor.id, ...input })),
  cancel: curatorProcedure.input(z.object({ rerunId: id })).mutation(({ ctx, input }) => cancelRerun({ db: ctx.db, rerunId: input.rerunId })),
  progress: viewerProcedure.input(z.object({ rerunId: id })).query(({ ctx, input }) => getRerunProgress({ db: ctx.db, rerunId: input.rerunId })),
  recent: viewerProcedure.query(({ ctx }) => listReruns({ db: ctx.db, take: 5 })),
  taskRuns: viewerProcedure.input(z.object({ taskId: id, runId: id.optional() })).query(({ ctx, input }) => getTaskRuns({ db: ctx.db, ...input })),
  statistics: viewerProcedure.input(z.object({ days: z.number().int().min(1).max(365).default(30) })).query(({ ctx, input }) => getStatistics({ db: ctx.db, days: input.days })),
  funnel: viewerProcedure.input(z.object({ by: z.enum(["batch", "environment"]) })).query(({ ctx, input }) => getFunnel({ db: ctx.db, by: input.by })),
});
