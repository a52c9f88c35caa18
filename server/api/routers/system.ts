import { getSystemStatus } from "../../system/get-system-status";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const systemRouter = createTRPCRouter({
  status: publicProcedure.query(({ ctx }) => getSystemStatus({ db: ctx.db })),
});
