"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { renderTask } from "../editor/render-task";
import { TextDiff } from "../editor/text-diff";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";

/** Two versions compared: tasks added, removed (including those a later verdict or review left out), changed. */
export function VersionDiff({ dataset, from, to }: { dataset: string; from: number; to: number }) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.dataset.diff.queryOptions({ dataset, from, to }));
  const [open, setOpen] = useState<{ id: string; from: number; to: number } | null>(null);
  if (diff.error) return <p className="text-xs text-rose-600">{diff.error.message}</p>;
  if (!diff.data) return <p className="text-xs text-zinc-500">Loading…</p>;
  const { added, removed, changed } = diff.data;
  return (
    <section className="flex flex-col gap-1 text-xs" data-testid="version-diff" aria-label={`v${from} → v${to}`}>
      <p>
        v{from} → v{to}: <span className="text-emerald-700 dark:text-emerald-400">{added.length} added</span> ·{" "}
        <span className="text-rose-700 dark:text-rose-400">{removed.length} removed</span> · {changed.length} changed
      </p>
      {added.length ? (
        <p className="text-emerald-700 dark:text-emerald-400">+ {added.map((a) => a.externalId).join(", ")}</p>
      ) : null}
      {removed.length ? (
        <p className="text-rose-700 dark:text-rose-400">− {removed.map((a) => a.externalId).join(", ")}</p>
      ) : null}
      {changed.map((c) => (
        <Button
          key={c.externalId}
          variant="link"
          size="xs"
          className="w-fit"
          onClick={() => setOpen({ id: c.externalId, from: c.from, to: c.to })}
        >
          ~ {c.externalId}: show the code diff
        </Button>
      ))}
      {open ? <RevisionPairDiff taskExternalId={open.id} from={open.from} to={open.to} /> : null}
    </section>
  );
}

function RevisionPairDiff({ taskExternalId, from, to }: { taskExternalId: string; from: number; to: number }) {
  const trpc = useTRPC();
  const revs = useQuery(trpc.dataset.revisionPair.queryOptions({ taskExternalId, from, to }));
  const a = revs.data?.find((r) => r.id === from);
  const b = revs.data?.find((r) => r.id === to);
  if (!a || !b) return <p className="text-zinc-500">Loading…</p>;
  return (
    <TextDiff
      original={renderTask(a)}
      modified={renderTask(b)}
      label={`${taskExternalId}: revision ${a.number} → ${b.number}`}
      height={360}
    />
  );
}
