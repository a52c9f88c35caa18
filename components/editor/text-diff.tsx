"use client";
import { DiffEditor } from "@monaco-editor/react";
import { useDark } from "../ui/use-dark";
import { BASE_OPTIONS } from "./code-view";

/** Side-by-side diff of two texts (a whole task rendered as one document). */
export function TextDiff({
  original,
  modified,
  label,
  height = 480,
}: {
  original: string;
  modified: string;
  label: string;
  height?: number;
}) {
  const dark = useDark();
  return (
    <section className="overflow-hidden rounded border border-zinc-200 dark:border-zinc-800" aria-label={label}>
      <DiffEditor
        height={height}
        language="python"
        original={original}
        modified={modified}
        theme={dark ? "vs-dark" : "vs"}
        options={{ ...BASE_OPTIONS, readOnly: true, renderSideBySide: true, originalEditable: false }}
      />
    </section>
  );
}
