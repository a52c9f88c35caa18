import { z } from "zod";
import { listEnvironments } from "../../packs/list-environments";
import { setActivePack } from "../../packs/set-active-pack";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "../trpc";

export const environmentRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => listEnvironments({ db: ctx.db })),
  setActivePack: adminProcedure
    .input(z.object({ environment: z.string().min(1).max(100), packHash: z.string().regex(/^[0-9a-f]{8,64}$/, "a pack hash: hex digits") }))
    .mutation(({ ctx, input }) => setActivePack({ db: ctx.db, environment: input.environment, packHash: input.packHash })),
});
