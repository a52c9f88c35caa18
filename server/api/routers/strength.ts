// Verifier strength: a task's check with its evidence, checks queued by hand and followed, and a
// leaking variant added as a failure case (an edit, so a curator's).
import { addLeakAsFailureCase } from "../../strength/add-leak-as-failure-case";
import { getTaskStrength } from "../../strength/get-task-strength";
import { getStrengthProgress, requestStrengthChecks } from "../../strength/request-strength-checks";
import {
  addAsFailureCaseInput,
  strengthProgressInput,
  strengthProgressOutput,
  strengthRef,
  strengthRequestInput,
  strengthRequestOutput,
  taskStrengthOutput,
} from "../contract/strength";
import { reviseOutput } from "../contract/tasks";
import { createTRPCRouter, curatorProcedure, viewerProcedure } from "../trpc";

export const strengthRouter = createTRPCRouter({
  get: viewerProcedure
    .meta({
      output: taskStrengthOutput,
      rest: {
        method: "GET",
        path: "/tasks/{taskId}/strength",
        summary:
          "The task's verifier strength: the check of its current revision with the evidence (variants, leaks with their code and state delta, unread writes, flaky), whether one is pending, earlier checks.",
      },
    })
    .input(strengthRef)
    .query(({ ctx, input }) => getTaskStrength({ db: ctx.db, taskId: input.taskId })),
  request: curatorProcedure
    .meta({
      output: strengthRequestOutput,
      rest: {
        method: "POST",
        path: "/strength-checks",
        summary:
          "Queue strength checks (low priority) for the accepted tasks of {taskIds: [..]} or {filter: {...}}, optionally {cap}. Poll GET /strength-checks?checkIds=….",
      },
    })
    .input(strengthRequestInput)
    .mutation(({ ctx, input }) => requestStrengthChecks({ db: ctx.db, userId: ctx.actor.id, ...input })),
  progress: viewerProcedure
    .meta({
      output: strengthProgressOutput,
      rest: {
        method: "GET",
        path: "/strength-checks",
        summary: "Where a set of strength checks stands (checkIds): by status, and the done ones by result.",
      },
    })
    .input(strengthProgressInput)
    .query(({ ctx, input }) => getStrengthProgress({ db: ctx.db, checkIds: input.checkIds })),
  addAsFailureCase: curatorProcedure
    .meta({
      output: reviseOutput,
      rest: {
        method: "POST",
        path: "/tasks/{taskId}/strength/failure-cases",
        summary:
          "Add a leaking variant of a strength check as a failure case: {checkId, variant (its index in report.probes), baseRevisionId}. A new revision with its filter run; 409 when baseRevisionId is not the current one.",
      },
    })
    .input(addAsFailureCaseInput)
    .mutation(({ ctx, input }) => addLeakAsFailureCase({ db: ctx.db, userId: ctx.actor.id, ...input })),
});
