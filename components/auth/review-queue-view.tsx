"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/section";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useTRPC } from "@/components/trpc";
import { useRole } from "./use-role";

/** A reviewer's queue: the tasks assigned to them that still wait for their decision. */
export function ReviewQueueView() {
  const trpc = useTRPC();
  const { user, can } = useRole();
  const queue = useQuery({ ...trpc.reviewers.queue.queryOptions({ limit: 200 }), enabled: can("reviewQueue") });
  const q = queue.data;
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-4 p-4">
      <PageHeader
        title="My review queue"
        description={
          q ? (
            <span data-testid="queue-left">
              {q.left} of {q.total} left
            </span>
          ) : (
            "Tasks assigned to you that wait for your decision on their current revision."
          )
        }
      />
      {user && !can("reviewQueue") ? <Notice>A review queue is for reviewers; you are a {user.role}.</Notice> : null}
      {queue.error ? <Notice tone="error">{queue.error.message}</Notice> : null}
      {q && q.total === 0 ? (
        <Notice>Nothing is assigned to you yet: a curator assigns tasks on the Reviewing page.</Notice>
      ) : null}
      {q?.items.length ? (
        <Table>
          <THead>
            <TH>Task</TH>
            <TH>Environment</TH>
            <TH>Verdict</TH>
            <TH>Instruction</TH>
          </THead>
          <tbody>
            {q.items.map((t) => (
              <TR key={t.id}>
                <TD>
                  <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/tasks/${t.id}`}>
                    {t.externalId}
                  </Link>
                </TD>
                <TD>{t.environment}</TD>
                <TD>{t.verdictStatus}</TD>
                <TD className="max-w-md truncate">{t.instruction}</TD>
              </TR>
            ))}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}
