import type { ReactNode } from "react";

/** A titled part of a page. `card` draws a border around it. */
export function Section({
  title,
  actions,
  card = false,
  className = "",
  children,
  ...aria
}: {
  title?: ReactNode;
  actions?: ReactNode;
  card?: boolean;
  className?: string;
  children?: ReactNode;
  "aria-label"?: string;
  "data-testid"?: string;
  role?: string;
}) {
  return (
    <section
      className={`flex flex-col gap-2 ${card ? "rounded border border-zinc-200 p-3 dark:border-zinc-800" : ""} ${className}`}
      {...aria}
    >
      {title || actions ? (
        <div className="flex flex-wrap items-center gap-2">
          {title ? <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">{title}</h2> : null}
          {actions ? <div className="ml-auto flex flex-wrap items-center gap-2">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

/** The top of a page: its title, what it is for, and its main actions. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-start gap-3">
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <h1 className="text-lg font-semibold">{title}</h1>
        {description ? <div className="text-zinc-500">{description}</div> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

/** Page width and rhythm shared by the simple pages. */
export function Page({ wide = false, children }: { wide?: boolean; children: ReactNode }) {
  return <div className={`mx-auto flex ${wide ? "max-w-7xl" : "max-w-5xl"} flex-col gap-6 px-4 py-6`}>{children}</div>;
}
