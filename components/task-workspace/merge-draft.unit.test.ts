import { describe, expect, it } from "vitest";
import type { TaskContent } from "@/lib/cat";
import { parseStoredDraft, sameContent } from "./draft";
import { mergeDraft } from "./merge-draft";

const base: TaskContent = {
  instruction: "Cancel the order.",
  verifier: "def verify(s, a):\n    return True\n",
  solution: "respond('x')",
  failureCases: ["pass"],
};

describe("mergeDraft", () => {
  it("takes their version of the fields I did not touch and keeps mine where I edited", () => {
    const theirs = { ...base, instruction: "Alice's instruction" };
    const mine = { ...base, solution: "respond('Bob')" };
    expect(mergeDraft({ ancestor: base, mine, theirs })).toEqual({
      ...base,
      instruction: "Alice's instruction",
      solution: "respond('Bob')",
    });
  });
  it("keeps my change when we both changed the same field", () => {
    const theirs = { ...base, verifier: "theirs" };
    const mine = { ...base, verifier: "mine" };
    expect(mergeDraft({ ancestor: base, mine, theirs }).verifier).toBe("mine");
  });
  it("treats failure cases as one field compared by value", () => {
    const theirs = { ...base, failureCases: ["pass", "respond('no')"] };
    const mine = { ...base, failureCases: ["pass"] };
    expect(mergeDraft({ ancestor: base, mine, theirs }).failureCases).toEqual(["pass", "respond('no')"]);
  });
  it("keeps everything of mine when the ancestor is unknown", () => {
    const mine = { ...base, solution: "mine" };
    expect(mergeDraft({ ancestor: null, mine, theirs: { ...base, instruction: "theirs" } })).toEqual(mine);
  });
});

describe("drafts", () => {
  it("compares content field by field", () => {
    expect(sameContent(base, { ...base })).toBe(true);
    expect(sameContent(base, { ...base, failureCases: ["pass", "x"] })).toBe(false);
    expect(sameContent(base, { ...base, failureCases: ["other"] })).toBe(false);
  });
  it("reads a stored draft and ignores an unreadable one", () => {
    const draft = { base: 3, content: base, savedAt: "2026-01-01T00:00:00.000Z" };
    expect(parseStoredDraft(JSON.stringify(draft))).toEqual(draft);
    expect(parseStoredDraft(null)).toBeNull();
    expect(parseStoredDraft("{not json")).toBeNull();
    expect(parseStoredDraft(JSON.stringify({ base: 3, content: { instruction: 1 } }))).toBeNull();
  });
});
