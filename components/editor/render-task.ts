import type { TaskContent } from "@/lib/cat";

/** The whole task as one document, for diffs. */
export function renderTask(c: TaskContent): string {
  return [
    "# ── instruction ──",
    c.instruction,
    "",
    "# ── verifier ──",
    c.verifier,
    "",
    "# ── solution ──",
    c.solution,
    ...c.failureCases.flatMap((f, i) => ["", `# ── failure case ${i + 1} ──`, f]),
  ].join("\n");
}
