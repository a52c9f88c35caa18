import { listEnvironments } from "../../packs/list-environments";
import { setActivePack } from "../../packs/set-active-pack";
import { environmentsOutput, setActivePackInput, setActivePackOutput } from "../contract/environments";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "../trpc";

// Uploading a pack is the file route POST /api/packs (administrators; it streams).
export const environmentRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({
      output: environmentsOutput,
      rest: {
        method: "GET",
        path: "/environments",
        summary: "Environments, their pack versions (by hash), tools and schemas.",
      },
    })
    .query(({ ctx }) => listEnvironments({ db: ctx.db })),
  setActivePack: adminProcedure
    .meta({
      output: setActivePackOutput,
      rest: {
        method: "POST",
        path: "/environments/{environment}/active-pack",
        status: 200,
        summary: "Make another pack version the one filter runs use: {packHash} (8+ hex digits).",
      },
    })
    .input(setActivePackInput)
    .mutation(({ ctx, input }) =>
      setActivePack({ db: ctx.db, environment: input.environment, packHash: input.packHash }),
    ),
});
