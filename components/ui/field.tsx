import type { ComponentProps, ReactNode } from "react";

const CONTROL =
  "rounded border border-zinc-300 bg-white text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";
const SIZE = { sm: "px-1.5 py-0.5 text-xs", md: "px-2 py-1 text-sm" } as const;

export function Input({
  size = "md",
  className = "",
  ...props
}: Omit<ComponentProps<"input">, "size"> & { size?: keyof typeof SIZE }) {
  return <input className={`${CONTROL} ${SIZE[size]} ${className}`} {...props} />;
}

export function Textarea({ className = "", ...props }: ComponentProps<"textarea">) {
  return <textarea className={`${CONTROL} p-2 text-xs ${className}`} {...props} />;
}

export function Select({
  size = "sm",
  className = "",
  ...props
}: Omit<ComponentProps<"select">, "size"> & { size?: keyof typeof SIZE }) {
  return <select className={`${CONTROL} ${SIZE[size]} ${className}`} {...props} />;
}

export function Checkbox(props: Omit<ComponentProps<"input">, "type">) {
  return <input type="checkbox" className="accent-sky-600" {...props} />;
}

/** A labelled control: the label wraps it, so clicking the text focuses the control. */
export function Field({
  label,
  hint,
  inline = false,
  className = "",
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  inline?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the children, inside the label
    <label className={`flex ${inline ? "items-center gap-1.5" : "flex-col gap-1"} text-xs text-zinc-500 ${className}`}>
      {label}
      {children}
      {hint ? <span className="text-[11px] text-zinc-500">{hint}</span> : null}
    </label>
  );
}
