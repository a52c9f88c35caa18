// Several reviewers per task (server/review/review-policy.ts, agreement.ts).
import { getAgreement } from "../../review/agreement";
import {
  assignReviewers,
  clearReviewPolicy,
  getMyQueue,
  getTaskDecisions,
  listDisagreements,
  listReviewers,
  listReviewPolicies,
  setReviewPolicy,
  unassignReviewers,
} from "../../review/review-policy";
import {
  agreementOutput,
  assignInput,
  assignOutput,
  decisionsOutput,
  disagreementsInput,
  disagreementsOutput,
  policiesOutput,
  policy,
  queueInput,
  queueOutput,
  reviewersOutput,
  scopeInput,
  setPolicyInput,
  unassignInput,
} from "../contract/reviewers";
import { taskRef } from "../contract/tasks";
import { createTRPCRouter, curatorProcedure, reviewerProcedure, viewerProcedure } from "../trpc";

export const reviewersRouter = createTRPCRouter({
  policies: viewerProcedure
    .meta({
      output: policiesOutput,
      rest: { method: "GET", path: "/review-policies", summary: "The review policies of datasets and batches." },
    })
    .query(({ ctx }) => listReviewPolicies({ db: ctx.db })),
  setPolicy: curatorProcedure
    .meta({
      output: policy,
      rest: [
        {
          method: "PUT",
          path: "/datasets/{dataset}/review-policy",
          summary:
            "Set the dataset's review policy: {approvals, noRejection?, blind?, reviewersPerTask?}. Publishing applies it.",
        },
        {
          method: "PUT",
          path: "/batches/{batch}/review-policy",
          summary: "Set the batch's review policy (it applies to its tasks in datasets without a policy of their own).",
        },
      ],
    })
    .input(setPolicyInput)
    .mutation(({ ctx, input }) => setReviewPolicy({ db: ctx.db, userId: ctx.actor.id, ...input })),
  clearPolicy: curatorProcedure
    .meta({
      rest: [
        { method: "DELETE", path: "/datasets/{dataset}/review-policy", summary: "Remove the dataset's review policy." },
        { method: "DELETE", path: "/batches/{batch}/review-policy", summary: "Remove the batch's review policy." },
      ],
    })
    .input(scopeInput)
    .mutation(({ ctx, input }) => clearReviewPolicy({ db: ctx.db, ...input })),
  reviewers: curatorProcedure
    .meta({
      output: reviewersOutput,
      rest: {
        method: "GET",
        path: "/reviewers",
        summary: "Everyone who can review (reviewer role or above), for assignment.",
      },
    })
    .query(({ ctx }) => listReviewers({ db: ctx.db })),
  assign: curatorProcedure
    .meta({
      output: assignOutput,
      rest: {
        method: "POST",
        path: "/assignments",
        status: 200,
        summary: "Assign tasks to reviewers: {selection, reviewerIds, mode: round_robin|each, perTask?}.",
      },
    })
    .input(assignInput)
    .mutation(({ ctx, input }) => assignReviewers({ db: ctx.db, userId: ctx.actor.id, ...input })),
  unassign: curatorProcedure
    .meta({
      rest: {
        method: "DELETE",
        path: "/assignments",
        summary: "Take tasks out of reviewers' queues: {selection, reviewerIds?}.",
      },
    })
    .input(unassignInput)
    .mutation(({ ctx, input }) => unassignReviewers({ db: ctx.db, ...input })),
  queue: reviewerProcedure
    .meta({
      output: queueOutput,
      rest: {
        method: "GET",
        path: "/queue",
        summary: "Your review queue: assigned tasks still waiting for your decision ('left of total').",
      },
    })
    .input(queueInput)
    .query(({ ctx, input }) => getMyQueue({ db: ctx.db, userId: ctx.actor.id, limit: input?.limit })),
  decisions: viewerProcedure
    .meta({
      output: decisionsOutput,
      rest: {
        method: "GET",
        path: "/tasks/{taskId}/decisions",
        summary: "Each reviewer's decision on the current revision (in blind mode, only yours until you decide).",
      },
    })
    .input(taskRef)
    .query(({ ctx, input }) => getTaskDecisions({ db: ctx.db, taskId: input.taskId, viewer: ctx.actor })),
  agreement: viewerProcedure
    .meta({
      output: agreementOutput,
      rest: {
        method: "GET",
        path: "/agreement",
        summary:
          "Inter-reviewer agreement (Cohen's κ for two reviewers, Fleiss' κ for more) for the decision and each label: ?dataset= or ?batch=.",
      },
    })
    .input(scopeInput.optional())
    .query(({ ctx, input }) => getAgreement({ db: ctx.db, ...input })),
  disagreements: viewerProcedure
    .meta({
      output: disagreementsOutput,
      rest: {
        method: "GET",
        path: "/disagreements",
        summary:
          "Tasks whose reviewers disagree and no curator has adjudicated (POST /tasks/{taskId}/review with adjudicate: true settles one).",
      },
    })
    .input(disagreementsInput.optional())
    .query(({ ctx, input }) => listDisagreements({ db: ctx.db, ...input })),
});
