import { describe, expect, it } from "vitest";
import { bulkApprovalSummary, refusedApprovals } from "./refusal";

const refused = (id: number, block: "not_run" | "old_pack" | "rejected") => ({
  id,
  externalId: `t-${id}`,
  revision: 1,
  block,
  message: `t-${id} is …`,
});

describe("refusedApprovals", () => {
  it("reads the refused tasks of a CONFLICT and nothing else", () => {
    expect(refusedApprovals({ data: { code: "CONFLICT", details: { refused: [refused(1, "rejected")] } } })).toEqual([
      refused(1, "rejected"),
    ]);
    expect(refusedApprovals({ data: { code: "CONFLICT", details: { current: {} } } })).toBeNull();
    expect(
      refusedApprovals({ data: { code: "BAD_REQUEST", details: { refused: [refused(1, "rejected")] } } }),
    ).toBeNull();
    expect(refusedApprovals(null)).toBeNull();
  });
});

describe("bulkApprovalSummary", () => {
  it("says how many were approved and why the others were not", () => {
    expect(
      bulkApprovalSummary({
        matched: 5,
        changed: 2,
        refused: { count: 3, tasks: [refused(1, "rejected"), refused(2, "rejected"), refused(3, "not_run")] },
      }),
    ).toBe("approved 2; 3 not approved because 2 rejected by the filter, 1 not run on their current revision");
  });
  it("counts the ones that were approved already, and says when the list is cut", () => {
    expect(bulkApprovalSummary({ matched: 4, changed: 1, refused: { count: 0, tasks: [] } })).toBe(
      "approved 1 (3 already were)",
    );
    expect(
      bulkApprovalSummary({
        matched: 30,
        changed: 0,
        refused: { count: 30, tasks: Array.from({ length: 20 }, (_, i) => refused(i, "rejected")) },
      }),
    ).toBe("approved 0; 30 not approved (of the first 20: 20 rejected by the filter)");
  });
});
