const VERDICT_STYLE: Record<string, string> = {
  accepted: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300",
  rejected: "bg-rose-100 text-rose-800 dark:bg-rose-900/50 dark:text-rose-300",
  pending: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
};
const REVIEW_STYLE: Record<string, string> = {
  approved: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300",
  rejected: "bg-rose-100 text-rose-800 dark:bg-rose-900/50 dark:text-rose-300",
  needs_edit: "bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-300",
  unreviewed: "text-zinc-500 dark:text-zinc-500",
};

const base = "inline-flex items-center whitespace-nowrap rounded px-1.5 py-0.5 text-[11px] font-medium leading-none";

export function VerdictBadge({ status, reason }: { status: string; reason?: string | null }) {
  return (
    <span className={`${base} ${VERDICT_STYLE[status] ?? VERDICT_STYLE.pending}`} title={reason ? `${status}: ${reason.replaceAll("_", " ")}` : status}>
      {status}
      {reason ? <span className="ml-1 font-normal opacity-80">· {reason.replaceAll("_", " ")}</span> : null}
    </span>
  );
}

export function ReviewBadge({ status }: { status: string }) {
  return <span className={`${base} ${REVIEW_STYLE[status] ?? ""}`}>{status.replace("_", " ")}</span>;
}
