import type { CaseOutcome, ReviewStatus, VerdictStatus } from "@/lib/cat";
import { Badge, type Tone } from "./ui/badge";
import { humanize } from "./format";

const VERDICT_TONE: Record<VerdictStatus, Tone> = { accepted: "green", rejected: "red", pending: "zinc" };
const REVIEW_TONE: Record<ReviewStatus, Tone> = {
  approved: "green",
  rejected: "red",
  needs_edit: "amber",
  unreviewed: "plain",
};
const OUTCOME_TONE: Record<CaseOutcome, Tone> = { pass: "green", fail: "gray", error: "amber", timeout: "purple" };

const isKey = <T extends string>(map: Record<T, Tone>, k: string): k is T => k in map;

export function VerdictBadge({ status, reason }: { status: string; reason?: string | null }) {
  return (
    <Badge
      tone={isKey(VERDICT_TONE, status) ? VERDICT_TONE[status] : "zinc"}
      title={reason ? `${status}: ${humanize(reason)}` : status}
    >
      {status}
      {reason ? <span className="ml-1 font-normal opacity-80">· {humanize(reason)}</span> : null}
    </Badge>
  );
}

/**
 * The review decision; a decision a newer revision superseded says so, and an approval that overrode
 * the filter's verdict says that, with its written reason as the tooltip when given.
 */
export function ReviewBadge({
  status,
  stale = false,
  override = null,
}: {
  status: string;
  stale?: boolean;
  override?: string | boolean | null;
}) {
  return (
    <span className="inline-flex items-center gap-1">
      <Badge tone={isKey(REVIEW_TONE, status) ? REVIEW_TONE[status] : "plain"}>{humanize(status)}</Badge>
      {override ? (
        <Badge
          tone="purple"
          title={`Approved although the filter did not accept this revision${typeof override === "string" ? `: ${override}` : ""}`}
        >
          override
        </Badge>
      ) : null}
      {stale ? (
        <Badge tone="amber" title="The last decision was about an older revision">
          stale
        </Badge>
      ) : null}
    </span>
  );
}

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge tone={isKey(OUTCOME_TONE, outcome) ? OUTCOME_TONE[outcome] : "zinc"}>{outcome}</Badge>;
}
