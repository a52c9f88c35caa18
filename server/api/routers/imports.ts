import { z } from "zod";
import { getImportBatch, listImportBatches } from "../../tasks/import-batches";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const importBatchRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listImportBatches({ db: ctx.db })),
  get: publicProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getImportBatch({ db: ctx.db, id: input.id })),
});
