import { describe, expect, it } from "vitest";
import { decisionState } from "./decisions";

const vote = (decision: string, adjudication = false) => ({ decision, adjudication });

describe("decisionState", () => {
  it("offers adjudication when reviewers disagree or one objects, until a curator has adjudicated", () => {
    expect(decisionState([vote("approved"), vote("approved")])).toMatchObject({
      disagree: false,
      toAdjudicate: false,
    });
    expect(decisionState([vote("approved"), vote("rejected")])).toMatchObject({ disagree: true, toAdjudicate: true });
    expect(decisionState([vote("needs_edit")])).toMatchObject({ disagree: false, objected: true, toAdjudicate: true });
    const settled = decisionState([vote("rejected", true), vote("approved"), vote("rejected")]);
    expect(settled).toMatchObject({ disagree: true, toAdjudicate: false, adjudication: { decision: "rejected" } });
  });
  it("has nothing to settle without decisions", () => {
    expect(decisionState([])).toEqual({ adjudication: null, disagree: false, objected: false, toAdjudicate: false });
  });
});
