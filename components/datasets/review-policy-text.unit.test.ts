import { describe, expect, it } from "vitest";
import { policyText } from "./review-policy-text";

describe("policyText", () => {
  it("says what the policy asks for", () => {
    expect(policyText({ approvals: 2, noRejection: true, blind: true, reviewersPerTask: 3 })).toBe(
      "2 approvals · no rejection · blind · 3 reviewers per task",
    );
    expect(policyText({ approvals: 1, noRejection: false, blind: false, reviewersPerTask: 1 })).toBe(
      "1 approval · a rejection does not block · 1 reviewer per task",
    );
  });
});
