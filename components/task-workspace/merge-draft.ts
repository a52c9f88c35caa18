import type { TaskContent } from "@/lib/cat";
import { contentOf } from "./draft";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Someone saved a newer revision ("theirs") while I edited an older one (the "ancestor"). Three-way,
 * field by field: a field I did not change takes their version; a field I changed keeps mine (my
 * change wins over theirs there, and the conflict panel showed both). Without the ancestor nothing
 * can be told apart, so everything of mine is kept.
 */
export function mergeDraft({
  ancestor,
  mine,
  theirs,
}: {
  ancestor: TaskContent | null;
  mine: TaskContent;
  theirs: TaskContent;
}): TaskContent {
  if (!ancestor) return contentOf(mine);
  const pick = <K extends keyof TaskContent>(k: K): TaskContent[K] =>
    same(ancestor[k], mine[k]) ? theirs[k] : mine[k];
  return {
    instruction: pick("instruction"),
    verifier: pick("verifier"),
    solution: pick("solution"),
    failureCases: pick("failureCases"),
  };
}
