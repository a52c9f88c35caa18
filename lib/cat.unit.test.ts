// The vocabulary's enums are declared once in lib/cat.ts for the client and the services; the
// database's enums come from prisma/schema.prisma. They must be the same values in the same order
// (the order of the rejection reasons is the order the verdict checks them in).
import { describe, expect, it } from "vitest";
import * as db from "@/server/db/generated/enums";
import { CASE_OUTCOMES, REJECT_REASONS, REVIEW_STATUSES, VERDICT_STATUSES } from "./cat";

describe("the CaT vocabulary", () => {
  it("matches the database's enums value for value", () => {
    expect(VERDICT_STATUSES).toEqual(Object.values(db.VerdictStatus));
    expect(REJECT_REASONS).toEqual(Object.values(db.RejectReason));
    expect(REVIEW_STATUSES).toEqual(Object.values(db.ReviewStatus));
    expect(CASE_OUTCOMES).toEqual(Object.values(db.CaseOutcome));
  });
});
