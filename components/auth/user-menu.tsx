"use client";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { signOut } from "./auth-client";
import type { Action } from "./permissions";
import { useRole } from "./use-role";

const LINKS: Array<{ href: string; label: string; action?: Action }> = [
  { href: "/queue", label: "My queue", action: "reviewQueue" },
  { href: "/reviewing", label: "Reviewing", action: "assignReviewers" },
  { href: "/users", label: "Users", action: "manageUsers" },
  { href: "/account", label: "API tokens" },
];

const item =
  "block w-full rounded px-2 py-1 text-left hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100";

/**
 * Who is signed in and with which role; opens onto the pages that role can use (the review queue,
 * reviewing, users, tokens) and sign-out. For the site header.
 */
export function UserMenu() {
  const { user, can } = useRole();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    // On the document, before the page's shortcuts on the window: Escape closes the menu and does
    // nothing else (on the task page it would also go back to the list).
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      setOpen(false);
    };
    document.addEventListener("pointerdown", away);
    document.addEventListener("keydown", onEscape);
    return () => {
      document.removeEventListener("pointerdown", away);
      document.removeEventListener("keydown", onEscape);
    };
  }, [open]);
  if (!user) return null;
  return (
    <div ref={box} className="relative text-xs">
      <Button
        variant="ghost"
        size="sm"
        aria-expanded={open}
        aria-controls={panelId}
        title={user.email}
        data-testid="user-menu"
        onClick={() => setOpen((o) => !o)}
      >
        {user.name} <span className="text-zinc-500">· {user.role}</span> <span aria-hidden>▾</span>
      </Button>
      {open ? (
        <nav
          id={panelId}
          aria-label="Account"
          className="absolute right-0 z-30 mt-1 flex w-48 flex-col gap-0.5 rounded border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-800 dark:bg-zinc-950"
        >
          <p className="truncate px-2 py-1 text-zinc-500" title={user.email}>
            {user.email}
          </p>
          {LINKS.filter((l) => !l.action || can(l.action)).map((l) => (
            <Link key={l.href} href={l.href} className={item} onClick={() => setOpen(false)}>
              {l.label}
            </Link>
          ))}
          <hr className="my-0.5 border-zinc-200 dark:border-zinc-800" />
          <button type="button" className={item} onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
      ) : null}
    </div>
  );
}
