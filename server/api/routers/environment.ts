import { listEnvironments } from "../../packs/list-environments";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const environmentRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listEnvironments({ db: ctx.db })),
});
