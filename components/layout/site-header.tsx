"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Action } from "../auth/permissions";
import { UserMenu } from "../auth/user-menu";
import { useRole } from "../auth/use-role";
import { ThemeToggle } from "./theme-toggle";

const NAV: Array<{ href: string; label: string; action?: Action }> = [
  { href: "/tasks", label: "Tasks" },
  { href: "/datasets", label: "Datasets" },
  { href: "/stats", label: "Statistics" },
  { href: "/environments", label: "Environments" },
  { href: "/import", label: "Import", action: "import" },
];
// The pages anyone may open (proxy.ts): no navigation there, it would only lead back to sign-in.
const OPEN_PAGES = ["/sign-in", "/setup"];

const item = "rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100";

export function SiteHeader() {
  const pathname = usePathname();
  const { can } = useRole();
  const open = OPEN_PAGES.includes(pathname);
  return (
    <header className="sticky top-0 z-20 flex h-11 items-center gap-4 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      <Link href="/tasks" className="font-semibold tracking-tight">
        <span className="text-sky-600 dark:text-sky-400">CaT</span> Curator
      </Link>
      {open ? null : (
        <nav className="flex gap-1 text-zinc-600 dark:text-zinc-400" aria-label="Main">
          {NAV.filter((n) => !n.action || can(n.action)).map((n) => {
            const current = pathname === n.href || pathname.startsWith(`${n.href}/`);
            return (
              <Link
                key={n.href}
                href={n.href}
                aria-current={current ? "page" : undefined}
                className={`${item} ${current ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100" : ""}`}
              >
                {n.label}
              </Link>
            );
          })}
          <a href="/api/export" className={item}>
            Export all
          </a>
        </nav>
      )}
      <div className="ml-auto flex items-center gap-3">
        <UserMenu />
        <ThemeToggle />
      </div>
    </header>
  );
}
