"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useRole } from "../auth/use-role";
import { plural } from "../format";
import { TaskList } from "../task-list/task-list";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Notice } from "../ui/notice";
import { PageHeader, Section } from "../ui/section";
import { PublishDialog } from "./publish-dialog";
import { exclusionMap } from "./publish-plan";
import { ReviewPolicySection } from "./review-policy-form";
import { VersionsTable } from "./versions-table";

/**
 * One dataset: its review policy, publish (previewed), its versions, and its working set with the
 * task list's facets. Publishing and the policy are a curator's; everyone reads.
 */
export function DatasetPage({ name }: { name: string }) {
  const trpc = useTRPC();
  const { can } = useRole();
  const list = useQuery(trpc.dataset.list.queryOptions());
  const preview = useQuery(trpc.dataset.previewPublish.queryOptions({ dataset: name }));
  const overrides = useQuery(trpc.task.count.queryOptions({ dataset: name, override: "yes" }));
  const [publishing, setPublishing] = useState(false);
  const [published, setPublished] = useState<string | null>(null);
  const d = list.data?.find((x) => x.name === name);
  if (list.isPending) return <p className="p-4 text-zinc-500">Loading…</p>;
  if (!d) {
    return (
      <p className="p-8 text-center text-zinc-500">
        No dataset named “{name}”.{" "}
        <Link href="/datasets" className="text-sky-700 underline dark:text-sky-400">
          All datasets
        </Link>
      </p>
    );
  }
  const next = (d.versions[0]?.number ?? 0) + 1;
  const p = preview.data;
  return (
    <div className="flex flex-col gap-4 pt-4">
      <div className="mx-auto flex w-full max-w-7xl flex-col gap-4 px-4">
        <PageHeader
          title={
            <>
              <Link href="/datasets" className="text-sm font-normal text-sky-700 hover:underline dark:text-sky-400">
                Datasets
              </Link>{" "}
              / {d.name}
            </>
          }
          description={
            <span data-testid="dataset-summary">
              {plural(d.taskCount, "task")} in the working set
              {p
                ? ` · ${p.included.toLocaleString()} would go into v${next} · ${p.excludedCount.toLocaleString()} left out`
                : ""}
              {overrides.data ? ` · approved by override: ${overrides.data.toLocaleString()}` : ""}
            </span>
          }
          actions={
            can("manageDatasets") ? (
              <Button variant="success" size="lg" data-testid="publish" onClick={() => setPublishing(true)}>
                Publish v{next}…
              </Button>
            ) : null
          }
        />
        {published ? <Notice tone="success">{published}</Notice> : null}
        <PublishDialog
          dataset={d.name}
          nextNumber={next}
          open={publishing}
          onClose={() => setPublishing(false)}
          onPublished={(r) => {
            if (r.version === null) return; // the dialog says the set was unchanged
            setPublishing(false);
            setPublished(
              `Published v${r.version}: ${plural(r.tasks, "task")}${r.excludedCount ? `, ${r.excludedCount.toLocaleString()} left out` : ""}.`,
            );
          }}
        />
        <ReviewPolicySection dataset={d.name} canEdit={can("setReviewPolicy")} />
        <Section title="Versions">
          <VersionsTable dataset={d} canExport={can("manageDatasets")} />
        </Section>
      </div>
      <Section title={<span className="px-4">Working set</span>} aria-label="Working set">
        <TaskList
          fixed={{ dataset: d.name }}
          exclusions={p ? exclusionMap(p) : undefined}
          className="h-[70vh] border-t border-zinc-200 dark:border-zinc-800"
        />
      </Section>
    </div>
  );
}
