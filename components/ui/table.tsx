import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

export function Table({ className = "", children, ...props }: HTMLAttributes<HTMLTableElement>) {
  return (
    <table className={`w-full border-collapse text-left text-xs ${className}`} {...props}>
      {children}
    </table>
  );
}

/** The header row: pass the <TH> cells. */
export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
      <tr>{children}</tr>
    </thead>
  );
}

export function TH({
  numeric = false,
  className = "",
  ...props
}: ThHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return <th scope="col" className={`py-1 pr-3 font-medium ${numeric ? "text-right" : ""} ${className}`} {...props} />;
}

export function TR({ className = "", ...props }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={`border-t border-zinc-100 align-top dark:border-zinc-800 ${className}`} {...props} />;
}

export function TD({
  numeric = false,
  className = "",
  ...props
}: TdHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <td className={`py-1 pr-3 ${numeric ? "whitespace-nowrap text-right tabular-nums" : ""} ${className}`} {...props} />
  );
}
