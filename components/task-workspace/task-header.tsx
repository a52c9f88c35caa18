"use client";
import Link from "next/link";
import { ReviewBadge, VerdictBadge } from "../badges";
import type { RouterOutputs } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";

type Task = RouterOutputs["task"]["get"];

export function TaskHeader({
  task,
  back,
  queue,
  prevId,
  nextId,
  go,
  onHelp,
}: {
  task: Task;
  back: string;
  queue: boolean;
  prevId: number | null | undefined;
  nextId: number | null | undefined;
  go: (taskId: number) => void;
  onHelp: () => void;
}) {
  const batches = task.batches.map((b) => b.batch.name);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Link href={back} className="text-xs text-sky-700 hover:underline dark:text-sky-400" title="Back (Esc)">
        ← Tasks
      </Link>
      <h1 className="font-mono text-base font-semibold">{task.externalId}</h1>
      <VerdictBadge status={task.verdictStatus} reason={task.verdictReason} />
      <ReviewBadge status={task.reviewStatus} stale={task.reviewStale} override={task.reviewOverride} />
      {task.labels.map((l) => (
        <span
          key={l.label.id}
          className="rounded-full border px-2 py-0.5 text-[11px]"
          style={{ borderColor: l.label.color ?? undefined, color: l.label.color ?? undefined }}
        >
          {l.label.name}
        </span>
      ))}
      {queue ? <Badge tone="sky">review queue</Badge> : null}
      <div className="ml-auto flex items-center gap-2 text-xs text-zinc-500">
        <span>
          {task.environment.name} · {batches.length ? batches.join(", ") : "—"} ·{" "}
          <span data-testid="revision-count">{task.revisionCount}</span> revision
          {task.revisionCount === 1 ? "" : "s"}
        </span>
        <Button size="xs" disabled={!prevId} onClick={() => prevId && go(prevId)} title="Previous (k)">
          ↑ k
        </Button>
        <Button
          size="xs"
          disabled={!nextId}
          onClick={() => nextId && go(nextId)}
          title="Next (j)"
          data-testid="next-task"
        >
          j ↓
        </Button>
        <Button size="xs" onClick={onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </Button>
      </div>
    </div>
  );
}
