import { getSystemStatus } from "../../system/get-system-status";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const systemRouter = createTRPCRouter({
  status: viewerProcedure.query(({ ctx }) => getSystemStatus({ db: ctx.db })),
});
