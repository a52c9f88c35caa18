import { z } from "zod";
import { getTaskRuns } from "../../filter/get-task-runs";
import { getRerunProgress, listReruns } from "../../filter/rerun-progress";
import { cancelRerun, requestRerun } from "../../filter/request-rerun";
import { id } from "../contract/common";
import { cancelOutput, progressOutput, rerunInput, rerunOutput, rerunRef } from "../contract/reruns";
import { createTRPCRouter, curatorProcedure, viewerProcedure } from "../trpc";

export const filterRouter = createTRPCRouter({
  rerun: curatorProcedure
    .meta({
      output: rerunOutput,
      rest: {
        method: "POST",
        path: "/reruns",
        summary: "Run the CaT filter over tasks: {taskIds: [..]} or {filter: {...}}. Poll GET /reruns/{rerunId}.",
      },
    })
    .input(rerunInput)
    .mutation(({ ctx, input }) => requestRerun({ db: ctx.db, userId: ctx.actor.id, ...input })),
  cancel: curatorProcedure
    .meta({
      output: cancelOutput,
      rest: { method: "DELETE", path: "/reruns/{rerunId}", summary: "Cancel the queued runs of a rerun." },
    })
    .input(rerunRef)
    .mutation(({ ctx, input }) => cancelRerun({ db: ctx.db, rerunId: input.rerunId })),
  progress: viewerProcedure
    .meta({
      output: progressOutput,
      rest: {
        method: "GET",
        path: "/reruns/{rerunId}",
        summary: "A rerun's progress: runs by status, verdicts, case outcomes, rate, ETA, finished.",
      },
    })
    .input(rerunRef)
    .query(({ ctx, input }) => getRerunProgress({ db: ctx.db, rerunId: input.rerunId })),
  recent: viewerProcedure.query(({ ctx }) => listReruns({ db: ctx.db, take: 5 })),
  taskRuns: viewerProcedure
    .meta({
      rest: {
        method: "GET",
        path: "/tasks/{taskId}/runs",
        summary: "The task's filter runs (newest first) and the full case matrix of one (runId; default the newest).",
      },
    })
    .input(z.strictObject({ taskId: id, runId: id.optional() }))
    .query(({ ctx, input }) => getTaskRuns({ db: ctx.db, ...input })),
});
