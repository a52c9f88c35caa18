"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { TaskContent } from "@/lib/cat";
import { renderTask } from "../editor/render-task";
import { TextDiff } from "../editor/text-diff";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Section } from "../ui/section";

/** What the editor holds against the previous revision or the imported original. */
export function DiffSection({
  taskId,
  currentId,
  previousId,
  originalId,
  content,
  dirty,
}: {
  taskId: number;
  currentId: number;
  previousId?: number;
  originalId?: number;
  content: TaskContent;
  dirty: boolean;
}) {
  const [diff, setDiff] = useState<"previous" | "original" | null>(null);
  // With an unsaved edit, "previous" is the revision the edit is on; without one, the one before it.
  const otherId = diff === "previous" ? (dirty ? currentId : previousId) : originalId;
  return (
    <Section
      title="Diff"
      actions={
        <>
          <Button
            size="xs"
            pressed={diff === "previous"}
            disabled={!previousId && !dirty}
            onClick={() => setDiff(diff === "previous" ? null : "previous")}
          >
            vs previous revision
          </Button>
          <Button
            size="xs"
            pressed={diff === "original"}
            disabled={!originalId || (originalId === currentId && !dirty)}
            onClick={() => setDiff(diff === "original" ? null : "original")}
          >
            vs imported original
          </Button>
        </>
      }
    >
      {diff && otherId ? (
        <RevisionDiff
          taskId={taskId}
          otherId={otherId}
          current={content}
          label={diff === "previous" ? "Diff against the previous revision" : "Diff against the imported original"}
        />
      ) : null}
    </Section>
  );
}

function RevisionDiff({
  taskId,
  otherId,
  current,
  label,
}: {
  taskId: number;
  otherId: number;
  current: TaskContent;
  label: string;
}) {
  const trpc = useTRPC();
  const revs = useQuery(trpc.review.revisions.queryOptions({ taskId, ids: [otherId] }));
  const other = revs.data?.[0];
  if (!other) return <p className="text-xs text-zinc-500">Loading…</p>;
  return (
    <div className="flex flex-col gap-1">
      <span className="text-[11px] text-zinc-500">
        Left: revision {other.number} ({other.source}) by {other.author.name}. Right: what the editor holds now.
      </span>
      <TextDiff original={renderTask(other)} modified={renderTask(current)} label={label} />
    </div>
  );
}

/** Any two revisions of the task, side by side. */
export function CompareRevisions({ taskId, a, b }: { taskId: number; a: number; b: number }) {
  const trpc = useTRPC();
  const revs = useQuery(trpc.review.revisions.queryOptions({ taskId, ids: [a, b] }));
  const ra = revs.data?.find((r) => r.id === a);
  const rb = revs.data?.find((r) => r.id === b);
  if (!ra || !rb) return <p className="text-xs text-zinc-500">Loading…</p>;
  return (
    <TextDiff
      original={renderTask(ra)}
      modified={renderTask(rb)}
      label={`Revision ${ra.number} against revision ${rb.number}`}
      height={360}
    />
  );
}
