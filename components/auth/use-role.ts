"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { type Action, roleCan } from "./permissions";

/**
 * Who is signed in and what they may do: `can("edit")` hides what the role cannot use (the server
 * refuses it anyway). Until account.status has answered, nothing is allowed, so no button flashes.
 */
export function useRole() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.account.status.queryOptions());
  const user = data?.user ?? null;
  const roles = data?.roles ?? [];
  return { user, role: user?.role ?? null, roles, can: (action: Action) => roleCan(roles, user?.role, action) };
}

export type Can = ReturnType<typeof useRole>["can"];
