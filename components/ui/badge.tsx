import type { ReactNode } from "react";

const TONE = {
  green: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300",
  red: "bg-rose-100 text-rose-800 dark:bg-rose-900/50 dark:text-rose-300",
  amber: "bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-300",
  purple: "bg-purple-100 text-purple-800 dark:bg-purple-900/50 dark:text-purple-300",
  sky: "bg-sky-100 text-sky-800 dark:bg-sky-900/40 dark:text-sky-300",
  zinc: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
  gray: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  plain: "text-zinc-500",
} as const;
export type Tone = keyof typeof TONE;

export function Badge({ tone = "zinc", title, children }: { tone?: Tone; title?: string; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded px-1.5 py-0.5 text-[11px] font-medium leading-none ${TONE[tone]}`}
      title={title}
    >
      {children}
    </span>
  );
}
