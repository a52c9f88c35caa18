"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect } from "react";
import { taskListInputSchema } from "@/lib/task-query";
import { useTRPC } from "../trpc";

/** /review?<filter>: walks the filter one task at a time, resuming where you left off. */
export function ReviewQueueStart() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const query = params.toString();
  const parsed = taskListInputSchema.safeParse(Object.fromEntries(params));
  const input = parsed.success ? parsed.data : taskListInputSchema.parse({});
  const first = useQuery(trpc.task.list.queryOptions({ ...input, cursor: undefined, limit: 1 }));
  useEffect(() => {
    const remembered = Number(localStorage.getItem(`cat-queue:${query}`));
    const target = remembered > 0 ? remembered : first.data?.items[0]?.id;
    if (target) router.replace(`/tasks/${target}?from=${encodeURIComponent(query)}&queue=1`);
  }, [first.data, query, router]);
  if (first.data && !first.data.items.length) {
    return (
      <p className="p-8 text-center text-zinc-500">
        No task matches this filter.{" "}
        <Link className="text-sky-700 underline dark:text-sky-400" href={`/tasks?${query}`}>
          Back to the list
        </Link>
      </p>
    );
  }
  return <p className="p-4 text-zinc-500">Opening the review queue…</p>;
}
