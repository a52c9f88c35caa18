// The task list's query (its facets, search and sort), shared by the URL (client) and the list service
// (server). "Filter" in this codebase is the CaT filter; what narrows the list is a query.
import { z } from "zod";
import { REJECT_REASONS, REVIEW_STATUSES, VERDICT_STATUSES } from "./cat";
import { STRENGTH_STATUSES } from "./strength";

// "lenient": by strength (suspected lenient, flaky, unread writes, strong, not checked), then newest.
export const SORT_FIELDS = ["created", "updated", "externalId", "lenient"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const taskQuerySchema = z.object({
  environment: z.string().max(100).optional(),
  batch: z.string().max(100).optional(),
  verdict: z.enum(VERDICT_STATUSES).optional(),
  reason: z.enum(REJECT_REASONS).optional(),
  review: z.enum(REVIEW_STATUSES).optional(),
  q: z.string().max(500).optional(),
  label: z.string().max(100).optional(),
  comments: z.enum(["yes", "no"]).optional(),
  edited: z.enum(["yes", "no"]).optional(),
  // A decision that a newer revision superseded (the task is unreviewed again).
  stale: z.enum(["yes", "no"]).optional(),
  // The working set of this dataset.
  dataset: z.string().max(100).optional(),
  // Approved although the filter did not accept the revision.
  override: z.enum(["yes", "no"]).optional(),
  // What a human edit did to the verdict of the imported revision (the statistics page links here).
  edit: z.enum(["rescued", "newly_rejected"]).optional(),
  // A stage of the filter's funnel the task reached (the statistics page's bars link here).
  stage: z.enum(["run", "verifier_loads", "solution_passes", "accepted"]).optional(),
  // The strength check of the current revision (server/strength): "lenient" is "suspected lenient".
  strength: z.enum(STRENGTH_STATUSES).optional(),
});
export const QUERY_KEYS = [
  "environment",
  "batch",
  "verdict",
  "reason",
  "review",
  "q",
  "label",
  "comments",
  "edited",
  "stale",
  "dataset",
  "override",
  "edit",
  "stage",
  "strength",
] as const;
export type TaskQuery = z.infer<typeof taskQuerySchema>;

export const taskListInputSchema = taskQuerySchema.extend({
  sort: z.enum(SORT_FIELDS).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type TaskListInput = z.input<typeof taskListInputSchema>;
