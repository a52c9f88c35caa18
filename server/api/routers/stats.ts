// The statistics page's figures: not the filter's business (that router runs and follows reruns).
import { z } from "zod";
import { getFunnel } from "../../filter/funnel";
import { getStatistics } from "../../stats/get-statistics";
import { API_LIMITS } from "../limits";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const statsRouter = createTRPCRouter({
  statistics: viewerProcedure
    .meta({
      rest: {
        method: "GET",
        path: "/statistics",
        summary: "The statistics page's figures: funnel, labels, what edits did, review throughput (days: 1-365).",
      },
    })
    .input(z.strictObject({ days: z.number().int().min(1).max(API_LIMITS.statisticsDays).default(30) }))
    .query(({ ctx, input }) => getStatistics({ db: ctx.db, days: input.days })),
  funnel: viewerProcedure
    .input(z.object({ by: z.enum(["batch", "environment"]) }))
    .query(({ ctx, input }) => getFunnel({ db: ctx.db, by: input.by })),
});
