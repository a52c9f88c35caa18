"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import type { TaskQuery } from "@/lib/task-query";
import { readListParams, withParams } from "./list-params";

/** The list's filter and order from the URL, and a way to change them (replacing history, no scroll). */
export function useListParams(fixed: Partial<TaskQuery> = {}) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  // By value: callers pass a new object each render.
  const fixedKey = JSON.stringify(fixed);
  const { input, filter } = useMemo(
    () => readListParams(params, JSON.parse(fixedKey) as Partial<TaskQuery>),
    [params, fixedKey],
  );
  const setParams = (changes: Record<string, string | undefined>) => {
    const qs = withParams(query, changes);
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  const clear = () => router.replace(pathname, { scroll: false });
  return { input, filter, query, setParams, clear };
}
