import { listEnvironments } from "../../packs/list-environments";
import { setActivePack } from "../../packs/set-active-pack";
import { setProbeVariants } from "../../packs/set-probe-variants";
import {
  environmentsOutput,
  setActivePackInput,
  setActivePackOutput,
  setProbeVariantsInput,
  setProbeVariantsOutput,
} from "../contract/environments";
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
  setProbeVariants: adminProcedure
    .meta({
      output: setProbeVariantsOutput,
      rest: {
        method: "PUT",
        path: "/environments/{environment}/probe-variants",
        summary:
          "Variants per strength check of this environment's tasks: {probeVariants} (0 turns checks off, null the default 24).",
      },
    })
    .input(setProbeVariantsInput)
    .mutation(({ ctx, input }) => setProbeVariants({ db: ctx.db, ...input })),
});
