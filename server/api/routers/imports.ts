import { z } from "zod";
import { getImport, listBatches, listImports } from "../../tasks/import-batches";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const importRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listImports({ db: ctx.db })),
  get: publicProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getImport({ db: ctx.db, id: input.id })),
  batches: publicProcedure.query(({ ctx }) => listBatches({ db: ctx.db })),
});
