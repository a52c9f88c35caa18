"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/components/trpc";
import { signOut } from "./auth-client";

/** Who is signed in, with their role, links to tokens (and users, for an administrator), and sign-out. For the site header. */
export function UserMenu() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.account.status.queryOptions());
  if (!data?.user) return null;
  return (
    <nav className="flex items-center gap-2 text-xs" aria-label="Account">
      <span title={data.user.email}>
        {data.user.name} <span className="text-zinc-500">({data.user.role})</span>
      </span>
      <Link href="/account" className="text-sky-700 hover:underline dark:text-sky-400">
        Tokens
      </Link>
      {data.user.role === "admin" ? (
        <Link href="/users" className="text-sky-700 hover:underline dark:text-sky-400">
          Users
        </Link>
      ) : null}
      <Button size="sm" variant="ghost" onClick={() => void signOut()}>
        Sign out
      </Button>
    </nav>
  );
}
