"use client";
import { CodeView, type CodeMarker } from "../editor/code-view";
import { Button } from "../ui/button";
import { Section } from "../ui/section";

/** The failure cases: each in its own editor; add, remove and reorder (when `onChange` is given). */
export function FailureCasesEditor({
  cases,
  onChange,
  markers,
}: {
  cases: string[];
  onChange?: (next: string[]) => void;
  markers: Record<string, CodeMarker[]>;
}) {
  const move = (from: number, to: number) => {
    if (!onChange) return;
    const list = [...cases];
    const [item] = list.splice(from, 1);
    list.splice(to, 0, item!);
    onChange(list);
  };
  return (
    <Section
      title={
        <>
          Failure cases <span className="font-normal normal-case tracking-normal">{cases.length}</span>
        </>
      }
      actions={
        onChange ? (
          <Button size="xs" onClick={() => onChange([...cases, "# what a wrong agent would do\n"])}>
            + Add failure case
          </Button>
        ) : null
      }
    >
      {cases.length === 0 ? (
        <p className="text-xs text-zinc-500">None: a task needs at least one failure case to be accepted.</p>
      ) : null}
      {cases.map((fc, i) => (
        // Keyed by position and count: an editor is uncontrolled while typing, so a removal or a
        // move remounts the editors below it with their new content.
        // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity of a failure case
        <div key={`${i}-${cases.length}`} className="flex flex-col gap-1">
          <div className="flex items-center gap-1 text-[11px] text-zinc-500">
            <span>Failure case {i + 1}</span>
            {onChange ? (
              <span className="ml-auto flex gap-1">
                <Button
                  variant="ghost"
                  size="xs"
                  aria-label={`Move failure case ${i + 1} up`}
                  disabled={i === 0}
                  onClick={() => move(i, i - 1)}
                >
                  ↑
                </Button>
                <Button
                  variant="ghost"
                  size="xs"
                  aria-label={`Move failure case ${i + 1} down`}
                  disabled={i === cases.length - 1}
                  onClick={() => move(i, i + 1)}
                >
                  ↓
                </Button>
                <Button
                  variant="ghost"
                  size="xs"
                  className="text-rose-600"
                  aria-label={`Remove failure case ${i + 1}`}
                  onClick={() => onChange(cases.filter((_, k) => k !== i))}
                >
                  ✕
                </Button>
              </span>
            ) : null}
          </div>
          <CodeView
            code={fc}
            label={`Failure case ${i + 1}`}
            maxLines={20}
            onChange={onChange && ((v) => onChange(cases.map((x, k) => (k === i ? v : x))))}
            markers={markers[`failure-${i}`]}
          />
        </div>
      ))}
    </Section>
  );
}
