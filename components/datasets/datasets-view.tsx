"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useRole } from "../auth/use-role";
import { plural, when } from "../format";
import { useTRPC, type RouterOutputs } from "../trpc";
import { Button } from "../ui/button";
import { Field, Input } from "../ui/field";
import { ErrorText } from "../ui/notice";
import { Page, PageHeader, Section } from "../ui/section";

type Dataset = RouterOutputs["dataset"]["list"][number];

/** All datasets: create one, and open one to manage its working set and publish versions. */
export function DatasetsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.dataset.list.queryOptions());
  const { can } = useRole();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.dataset.create.mutationOptions({
      onSuccess: () => {
        setName("");
        return queryClient.invalidateQueries({ queryKey: trpc.dataset.list.queryKey() });
      },
    }),
  );
  return (
    <Page>
      <PageHeader
        title="Datasets"
        description={
          <>
            Add approved tasks from the{" "}
            <Link className="text-sky-700 underline dark:text-sky-400" href="/tasks?review=approved">
              task list
            </Link>{" "}
            (select rows or all matching, then “Add to dataset”). Publishing checks every task of the working set and
            freezes a version: the exact revisions and verdicts, never changed by later edits.
          </>
        }
      />
      {can("manageDatasets") ? (
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) create.mutate({ name });
          }}
        >
          <Field label="New dataset">
            <Input
              className="w-64"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="retail-curated"
              aria-label="New dataset name"
            />
          </Field>
          <Button type="submit" variant="primary" size="lg">
            Create
          </Button>
          {create.error ? <ErrorText>{create.error.message}</ErrorText> : null}
        </form>
      ) : null}
      {list.data?.map((d) => (
        <DatasetCard key={d.id} d={d} />
      ))}
      {list.data?.length === 0 ? <p className="text-zinc-500">No datasets yet.</p> : null}
    </Page>
  );
}

function DatasetCard({ d }: { d: Dataset }) {
  const latest = d.versions[0];
  const href = `/datasets/${encodeURIComponent(d.name)}`;
  return (
    <Section card data-testid="dataset" aria-label={d.name}>
      <h2 className="flex flex-wrap items-baseline gap-3">
        <Link href={href} className="text-base font-semibold text-sky-700 hover:underline dark:text-sky-400">
          {d.name}
        </Link>
        <span className="text-xs text-zinc-500" data-testid="working-set">
          {plural(d.taskCount, "task")} in the working set
        </span>
        <span className="text-xs text-zinc-500">
          {latest
            ? `latest: v${latest.number} (${plural(latest.taskCount, "task")}, ${when(latest.createdAt)})`
            : "not published yet"}
        </span>
        <Link href={href} className="ml-auto text-xs text-sky-700 underline dark:text-sky-400">
          Working set, publish and versions →
        </Link>
      </h2>
      {d.description ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{d.description}</p> : null}
    </Section>
  );
}
