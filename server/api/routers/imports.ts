import { getImport, listBatches, listImports } from "../../tasks/import-batches";
import { batchesOutput, importOutput, importRef, importsOutput } from "../contract/imports";
import { createTRPCRouter, viewerProcedure } from "../trpc";

// Uploading a file is the file route POST /api/import (it streams); these read what imports did.
export const importRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({
      output: importsOutput,
      rest: { method: "GET", path: "/imports", summary: "The latest imports (uploads) with their counts." },
    })
    .query(({ ctx }) => listImports({ db: ctx.db })),
  get: viewerProcedure
    .meta({
      output: importOutput,
      rest: {
        method: "GET",
        path: "/imports/{id}",
        summary: "One import, with the first line errors (line, field, message).",
      },
    })
    .input(importRef)
    .query(({ ctx, input }) => getImport({ db: ctx.db, id: input.id })),
  batches: viewerProcedure
    .meta({
      output: batchesOutput,
      rest: { method: "GET", path: "/batches", summary: "Batches, with how many tasks and imports each has." },
    })
    .query(({ ctx }) => listBatches({ db: ctx.db })),
});
