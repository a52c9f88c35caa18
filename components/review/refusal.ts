// The server refuses to approve a task the filter did not accept on its current revision (rejected,
// not run, run on an older pack) unless the reviewer overrides with a written reason. The refusal
// arrives as tRPC error details; this reads them with a check rather than a cast.
import { z } from "zod";
import { APPROVAL_BLOCKS, approvalBlockText } from "@/lib/review";
import type { RefusedApproval } from "@/server/review/review-tasks";

const refusedSchema = z.object({
  id: z.number(),
  externalId: z.string(),
  revision: z.number(),
  block: z.enum(APPROVAL_BLOCKS),
  message: z.string(),
}) satisfies z.ZodType<RefusedApproval>;

const detailsSchema = z.object({ refused: z.array(refusedSchema) });

/** The refused approvals an error carries, or null when it is some other error. */
export function refusedApprovals(
  error: { data?: { code?: string; details?: unknown } | null } | null | undefined,
): RefusedApproval[] | null {
  if (error?.data?.code !== "CONFLICT") return null;
  const parsed = detailsSchema.safeParse(error.data.details);
  return parsed.success && parsed.data.refused.length ? parsed.data.refused : null;
}

/** "approved 3; 2 not approved because 1 rejected by the filter, 1 not run on its current revision". */
export function bulkApprovalSummary(result: {
  changed: number;
  matched: number;
  refused: { count: number; tasks: RefusedApproval[] };
}): string {
  const head = `approved ${result.changed.toLocaleString()}${result.matched - result.changed - result.refused.count > 0 ? ` (${(result.matched - result.changed - result.refused.count).toLocaleString()} already were)` : ""}`;
  if (!result.refused.count) return head;
  const why = new Map<RefusedApproval["block"], number>();
  for (const t of result.refused.tasks) why.set(t.block, (why.get(t.block) ?? 0) + 1);
  const listed = result.refused.tasks.length;
  const reasons = [...why].map(([block, n]) => `${n} ${approvalBlockText(block, true)}`).join(", ");
  const n = result.refused.count.toLocaleString();
  return listed < result.refused.count
    ? `${head}; ${n} not approved (of the first ${listed}: ${reasons})`
    : `${head}; ${n} not approved because ${reasons}`;
}
