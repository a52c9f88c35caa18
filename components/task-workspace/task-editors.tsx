"use client";
import type { RefObject } from "react";
import type { TaskContent } from "@/lib/cat";
import { CodeView, type MonacoEditor } from "../editor/code-view";
import type { RouterOutputs } from "../trpc";
import { Textarea } from "../ui/field";
import { Section } from "../ui/section";
import type { MarkerMap } from "./error-markers";
import { FailureCasesEditor } from "./failure-cases-editor";
import { DiffSection } from "./revision-diff";

type Task = RouterOutputs["task"]["get"];

/**
 * The left column: everything a task is made of, with error markers and diffs; editable when `edit`
 * is given (curators), read-only otherwise.
 */
export function TaskEditors({
  task,
  content,
  dirty,
  edit,
  markers,
  verifierEditor,
}: {
  task: Task;
  content: TaskContent;
  dirty: boolean;
  edit?: (change: Partial<TaskContent>) => void;
  markers: MarkerMap;
  verifierEditor: RefObject<MonacoEditor | null>;
}) {
  const base = task.currentRevision!;
  const revisions = task.revisions;
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Section title="Instruction">
        <Textarea
          aria-label="Instruction"
          data-testid="instruction"
          className="min-h-24 w-full resize-y bg-zinc-50 p-3 text-[13px] leading-relaxed dark:bg-zinc-900"
          value={content.instruction}
          rows={Math.min(12, Math.max(3, Math.ceil(content.instruction.length / 140)))}
          readOnly={!edit}
          onChange={(e) => edit?.({ instruction: e.target.value })}
        />
      </Section>
      <Section title="Verifier">
        <CodeView
          code={content.verifier}
          label="Verifier"
          onChange={edit && ((v) => edit({ verifier: v }))}
          markers={markers.verifier}
          editorRef={(ed) => (verifierEditor.current = ed)}
        />
      </Section>
      <Section title="Solution">
        <CodeView
          code={content.solution}
          label="Solution"
          onChange={edit && ((v) => edit({ solution: v }))}
          markers={markers.solution}
        />
      </Section>
      <FailureCasesEditor
        cases={content.failureCases}
        onChange={edit && ((failureCases) => edit({ failureCases }))}
        markers={markers}
      />
      <DiffSection
        taskId={task.id}
        currentId={base.id}
        previousId={revisions.length > 1 ? revisions[revisions.length - 2]?.id : undefined}
        originalId={revisions[0]?.id}
        content={content}
        dirty={dirty}
      />
      <Section title="Metadata">
        {base.metadata ? (
          <pre className="overflow-x-auto rounded border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-900">
            {JSON.stringify(base.metadata, null, 2)}
          </pre>
        ) : (
          <p className="text-xs text-zinc-500">None.</p>
        )}
      </Section>
    </div>
  );
}
