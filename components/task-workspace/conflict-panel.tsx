"use client";
import type { TaskContent } from "@/lib/cat";
import { renderTask } from "../editor/render-task";
import { TextDiff } from "../editor/text-diff";
import { when } from "../format";
import { Button } from "../ui/button";
import type { ConflictingRevision } from "./conflict";

/** Someone saved a newer revision while this edit was open: both are shown, nothing is lost. */
export function ConflictPanel({
  theirs,
  mine,
  merging,
  onKeepMine,
  onTakeTheirs,
}: {
  theirs: ConflictingRevision;
  mine: TaskContent;
  /** A merge is being made: a second click would merge twice. */
  merging: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  return (
    <section
      className="flex flex-col gap-2 rounded border border-rose-300 p-3 dark:border-rose-800"
      role="alert"
      data-testid="conflict"
    >
      <p className="text-xs">
        <strong>Conflict:</strong> revision {theirs.number} by {theirs.author} ({when(theirs.createdAt)}) was saved
        after the revision you edited. Your edit is kept. Left: theirs; right: yours. Keeping yours merges field by
        field: fields you did not touch take their version.
      </p>
      <TextDiff
        original={renderTask(theirs)}
        modified={renderTask(mine)}
        label="Their revision against your edit"
        height={320}
      />
      <div className="flex gap-2">
        <Button variant="primary" data-testid="keep-mine" disabled={merging} onClick={onKeepMine}>
          Keep my changes on top of theirs
        </Button>
        <Button onClick={onTakeTheirs}>Take theirs, drop mine</Button>
      </div>
    </section>
  );
}
