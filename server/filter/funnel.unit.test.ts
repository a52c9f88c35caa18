import { describe, expect, it } from "vitest";
import { funnelOf, tallyVerdict } from "./funnel";

describe("the funnel", () => {
  it("takes each stage from the one before, by rejection reason", () => {
    expect(
      funnelOf(100, 5, {
        verifier_invalid: 52,
        solution_not_passing: 38,
        failure_case_passing: 4,
        failure_case_error: 1,
      }),
    ).toEqual({
      run: 100,
      verifierLoads: 48,
      solutionPasses: 10,
      accepted: 5,
    });
  });
  it("tallies verdict groups, leaving pending tasks out of the run", () => {
    const t = { tasks: 0, run: 0, accepted: 0, byReason: {} as Record<string, number> };
    tallyVerdict(t, "pending", null, 3);
    tallyVerdict(t, "accepted", null, 2);
    tallyVerdict(t, "rejected", "verifier_invalid", 4);
    expect(t).toEqual({ tasks: 9, run: 6, accepted: 2, byReason: { verifier_invalid: 4 } });
  });
});
