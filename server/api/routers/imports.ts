import { z } from "zod";
import { getImport, listBatches, listImports } from "../../tasks/import-batches";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const importRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => listImports({ db: ctx.db })),
  get: viewerProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getImport({ db: ctx.db, id: input.id })),
  batches: viewerProcedure.query(({ ctx }) => listBatches({ db: ctx.db })),
});
