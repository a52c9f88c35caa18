import { describe, expect, it } from "vitest";
import { EXCLUSION_TEXT, POLICY_EXCLUSION_TEXT } from "@/lib/review";
import { changesText, exclusionGroups, exclusionMap } from "./publish-plan";

const excluded = [
  { id: "a", reason: "stale_review" as const, message: EXCLUSION_TEXT.stale_review },
  { id: "b", reason: "rejected" as const, message: EXCLUSION_TEXT.rejected },
  { id: "c", reason: "stale_review" as const, message: EXCLUSION_TEXT.stale_review },
];

describe("publish plan", () => {
  it("groups exclusions by reason, most common first", () => {
    expect(exclusionGroups({ excluded })).toEqual([
      {
        reason: "stale_review",
        text: "stale review: approved on an older revision",
        count: 2,
        tasks: [
          { id: "a", detail: null },
          { id: "c", detail: null },
        ],
      },
      { reason: "rejected", text: "rejected by the filter", count: 1, tasks: [{ id: "b", detail: null }] },
    ]);
  });
  it("words the review policy's reasons, and keeps a task's own message where it says more", () => {
    const groups = exclusionGroups({
      excluded: [
        { id: "p1", reason: "awaiting_reviews", message: "awaiting reviews: 1 of 2 approvals the review policy needs" },
        { id: "p2", reason: "awaiting_reviews", message: "awaiting reviews: 0 of 2 approvals the review policy needs" },
        { id: "p3", reason: "reviewer_objected", message: POLICY_EXCLUSION_TEXT.reviewer_objected },
        { id: "p4", reason: "adjudicated_out", message: POLICY_EXCLUSION_TEXT.adjudicated_out },
      ],
    });
    expect(groups.map((g) => [g.reason, g.text, g.count])).toEqual([
      ["awaiting_reviews", POLICY_EXCLUSION_TEXT.awaiting_reviews, 2],
      ["reviewer_objected", "a reviewer rejected it or asked for an edit: a curator adjudicates", 1],
      ["adjudicated_out", "adjudicated: not approved", 1],
    ]);
    expect(groups[0]!.tasks[0]).toEqual({
      id: "p1",
      detail: "awaiting reviews: 1 of 2 approvals the review policy needs",
    });
    expect(groups[1]!.tasks[0]!.detail).toBeNull();
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
