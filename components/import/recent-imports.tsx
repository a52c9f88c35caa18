"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { when } from "../format";
import { taskListHref } from "../task-list/list-params";
import { useTRPC } from "../trpc";
import { Section } from "../ui/section";
import { Table, TD, TH, THead, TR } from "../ui/table";

export function RecentImports() {
  const trpc = useTRPC();
  const imports = useQuery(trpc.imports.list.queryOptions());
  return (
    <Section title="Recent imports">
      <Table aria-label="Recent imports">
        <THead>
          <TH>Batch</TH>
          <TH>File</TH>
          <TH>Status</TH>
          <TH numeric>New</TH>
          <TH numeric>Revised</TH>
          <TH numeric>Unchanged</TH>
          <TH numeric>Refused</TH>
          <TH numeric>When</TH>
        </THead>
        <tbody>
          {imports.data?.map((b) => (
            <TR key={b.id}>
              <TD>
                <Link
                  className="text-sky-700 hover:underline dark:text-sky-400"
                  href={taskListHref({ batch: b.batchName })}
                >
                  {b.batchName}
                </Link>
              </TD>
              <TD className="text-zinc-500">{b.fileName}</TD>
              <TD title={b.failure ?? undefined}>{b.status}</TD>
              <TD numeric>{b.createdCount}</TD>
              <TD numeric>{b.revisedCount}</TD>
              <TD numeric>{b.unchangedCount}</TD>
              <TD numeric>{b.errorCount}</TD>
              <TD numeric className="text-zinc-500">
                {when(b.createdAt)}
              </TD>
            </TR>
          ))}
        </tbody>
      </Table>
    </Section>
  );
}
