import type { ComponentProps } from "react";

// One look per intent, so a button's colour says what it does (approve is green everywhere).
const VARIANT = {
  primary: "bg-sky-600 text-white hover:bg-sky-700 border border-sky-600",
  secondary: "border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
  ghost: "hover:bg-zinc-100 dark:hover:bg-zinc-800",
  link: "text-sky-700 underline-offset-2 hover:underline dark:text-sky-400",
  approve:
    "border border-emerald-600 text-emerald-700 hover:bg-emerald-50 dark:text-emerald-400 dark:hover:bg-emerald-950/40",
  reject: "border border-rose-600 text-rose-700 hover:bg-rose-50 dark:text-rose-400 dark:hover:bg-rose-950/40",
  warn: "border border-amber-600 text-amber-700 hover:bg-amber-50 dark:text-amber-400 dark:hover:bg-amber-950/40",
  info: "border border-sky-600 text-sky-700 hover:bg-sky-50 dark:text-sky-400 dark:hover:bg-sky-950/40",
  danger: "border border-rose-600 bg-rose-600 text-white hover:bg-rose-700",
  success: "border border-emerald-600 bg-emerald-600 text-white hover:bg-emerald-700",
} as const;
// A toggle that is on is filled with its colour (aria-pressed carries the state for assistive tech).
const PRESSED: Partial<Record<Variant, string>> = {
  approve: "bg-emerald-600 text-white hover:bg-emerald-700 dark:text-white dark:hover:bg-emerald-700",
  reject: "bg-rose-600 text-white hover:bg-rose-700 dark:text-white dark:hover:bg-rose-700",
  warn: "bg-amber-600 text-white hover:bg-amber-700 dark:text-white dark:hover:bg-amber-700",
  info: "bg-sky-600 text-white dark:text-white",
  secondary: "bg-zinc-200 dark:bg-zinc-800",
};
const SIZE = {
  xs: "px-1.5 py-0.5 text-[11px]",
  sm: "px-2 py-0.5 text-xs",
  md: "px-2.5 py-1 text-xs font-medium",
  lg: "px-3 py-1.5 text-xs font-medium",
} as const;

export type Variant = keyof typeof VARIANT;
export type Size = keyof typeof SIZE;

/** The classes of a button, for links that look like one. */
export function buttonClass({
  variant = "secondary",
  size = "md",
  pressed = false,
  className = "",
}: {
  variant?: Variant;
  size?: Size;
  pressed?: boolean;
  className?: string;
} = {}) {
  // A link-styled button has no box, only the text size of its size.
  const shape = variant === "link" ? (size === "xs" ? "text-[11px]" : "text-xs") : `rounded ${SIZE[size]}`;
  return `inline-flex items-center gap-1 whitespace-nowrap disabled:cursor-not-allowed disabled:opacity-40 ${shape} ${VARIANT[variant]} ${pressed ? (PRESSED[variant] ?? "") : ""} ${className}`.trim();
}

export function Button({
  variant,
  size,
  pressed,
  className,
  type = "button",
  ...props
}: ComponentProps<"button"> & { variant?: Variant; size?: Size; pressed?: boolean }) {
  return (
    <button
      type={type}
      aria-pressed={pressed}
      className={buttonClass({ variant, size, pressed, className })}
      {...props}
    />
  );
}
