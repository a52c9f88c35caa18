import { describe, expect, it } from "vitest";
import { readListParams } from "../task-list/list-params";
import { funnelLinks } from "./funnel-links";

describe("funnelLinks", () => {
  const row = { group: "retail", tasks: 10, run: 8, verifierLoads: 6, solutionPasses: 5, accepted: 3 };
  it("links each bar to exactly the tasks it counts: its stage within the group", () => {
    const l = funnelLinks("environment", row);
    expect(l.run.href).toBe("/tasks?environment=retail&stage=run");
    expect(l.verifierLoads.href).toBe("/tasks?environment=retail&stage=verifier_loads");
    expect(l.solutionPasses.href).toBe("/tasks?environment=retail&stage=solution_passes");
    expect(l.accepted.href).toBe("/tasks?environment=retail&stage=accepted");
    expect(funnelLinks("batch", row).accepted.href).toBe("/tasks?batch=retail&stage=accepted");
  });
  it("links what each stage lost, with how many", () => {
    const l = funnelLinks("batch", row);
    expect(l.run.lost).toMatchObject({ href: "/tasks?batch=retail&verdict=pending", count: 2 });
    expect(l.verifierLoads.lost).toMatchObject({ href: "/tasks?batch=retail&reason=verifier_invalid", count: 2 });
    expect(l.solutionPasses.lost).toMatchObject({ href: "/tasks?batch=retail&reason=solution_not_passing", count: 1 });
    expect(l.accepted.lost).toBeNull();
    expect(l.reason("failure_case_passing")).toBe("/tasks?batch=retail&reason=failure_case_passing");
    expect(l.all).toBe("/tasks?batch=retail");
  });
  it("makes links the list reads back as the same filter", () => {
    const href = funnelLinks("environment", row).solutionPasses.href;
    const { filter } = readListParams(new URLSearchParams(href.split("?")[1]));
    expect(filter).toEqual({ environment: "retail", stage: "solution_passes" });
  });
});
