import { STRENGTH_LABELS, type StrengthStatus } from "@/lib/strength";
import { Badge, type Tone } from "../ui/badge";

const TONE: Record<StrengthStatus, Tone> = {
  unchecked: "plain",
  strong: "green",
  unread_writes: "amber",
  flaky: "purple",
  lenient: "red",
};
const TITLE: Record<StrengthStatus, string> = {
  unchecked: "The current revision's verifier has not been checked against variants of the solution",
  strong: "The verifier rejected every variant of the solution that changed the outcome",
  unread_writes: "The solution changes parts of the state the verifier never reads",
  flaky: "The solution's verdict or final state changed when run again",
  lenient: "The verifier accepted a variant of the solution that differs from it",
};

/** The verifier strength of a task's current revision, as STRENGTH_LABELS names it. */
export function StrengthBadge({ status }: { status: StrengthStatus }) {
  return (
    <Badge tone={TONE[status]} title={TITLE[status]}>
      {STRENGTH_LABELS[status]}
    </Badge>
  );
}
