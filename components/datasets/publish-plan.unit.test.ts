import { describe, expect, it } from "vitest";
import { changesText, exclusionGroups, exclusionMap } from "./publish-plan";

const excluded = [
  { id: "a", reason: "stale_review" as const, message: "stale review: approved on an older revision" },
  { id: "b", reason: "rejected" as const, message: "rejected by the filter" },
  { id: "c", reason: "stale_review" as const, message: "stale review: approved on an older revision" },
];

describe("publish plan", () => {
  it("groups exclusions by reason, most common first", () => {
    expect(exclusionGroups({ excluded })).toEqual([
      { message: "stale review: approved on an older revision", count: 2, ids: ["a", "c"] },
      { message: "rejected by the filter", count: 1, ids: ["b"] },
    ]);
  });
  it("describes the changes against the latest version", () => {
    expect(changesText({ previous: null, added: 3, removed: 0, changed: 0 })).toBe("the first version");
    expect(changesText({ previous: 2, added: 1, removed: 1, changed: 0 })).toBe(
      "+1 added · −1 removed · 0 changed against v2",
    );
  });
  it("maps task ids to why they are left out, and says whether the list is complete", () => {
    expect(exclusionMap({ excluded, excludedCount: 3 }).byExternalId.get("b")).toBe("rejected by the filter");
    expect(exclusionMap({ excluded, excludedCount: 1500 }).complete).toBe(false);
  });
});
