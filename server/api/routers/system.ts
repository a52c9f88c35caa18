import { getSystemStatus } from "../../system/get-system-status";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const systemRouter = createTRPCRouter({
  status: viewerProcedure
    .meta({
      rest: { method: "GET", path: "/system", summary: "Whether this server can run the sandbox, and the workers." },
    })
    .query(({ ctx }) => getSystemStatus({ db: ctx.db })),
});
