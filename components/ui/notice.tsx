import type { ReactNode } from "react";

const TONE = {
  info: "border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-950/30 dark:text-sky-200",
  success:
    "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/30 dark:text-emerald-200",
  warn: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/30 dark:text-amber-200",
  error: "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-800 dark:bg-rose-950/40 dark:text-rose-200",
} as const;

/**
 * A message box. Errors are alerts (read out at once); the rest are polite status updates unless
 * the caller says otherwise.
 */
export function Notice({
  tone = "info",
  role,
  className = "",
  children,
  ...rest
}: {
  tone?: keyof typeof TONE;
  role?: "alert" | "status" | "region" | "note";
  className?: string;
  children: ReactNode;
  "aria-label"?: string;
  "data-testid"?: string;
}) {
  return (
    <div
      role={role ?? (tone === "error" ? "alert" : "status")}
      className={`rounded border px-3 py-2 text-xs ${TONE[tone]} ${className}`}
      {...rest}
    >
      {children}
    </div>
  );
}

/** A short inline error after an action. */
export function ErrorText({ children }: { children: ReactNode }) {
  return (
    <span role="alert" className="text-xs text-rose-600 dark:text-rose-400">
      {children}
    </span>
  );
}
