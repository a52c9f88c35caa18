import { describe, expect, it } from "vitest";
import { funnelLinks } from "./funnel-links";

describe("funnelLinks", () => {
  const row = { group: "retail", tasks: 10, run: 8, verifierLoads: 6, solutionPasses: 5, accepted: 3 };
  it("links the accepted bar to the accepted tasks of the group", () => {
    expect(funnelLinks("environment", row).accepted.href).toBe("/tasks?environment=retail&verdict=accepted");
  });
  it("links the other bars to what that stage lost, with how many", () => {
    const l = funnelLinks("batch", row);
    expect(l.run).toMatchObject({ href: "/tasks?batch=retail&verdict=pending", lost: 2 });
    expect(l.verifierLoads).toMatchObject({ href: "/tasks?batch=retail&reason=verifier_invalid", lost: 2 });
    expect(l.solutionPasses).toMatchObject({ href: "/tasks?batch=retail&reason=solution_not_passing", lost: 1 });
    expect(l.reason("failure_case_passing")).toBe("/tasks?batch=retail&reason=failure_case_passing");
    expect(l.all).toBe("/tasks?batch=retail");
  });
});
