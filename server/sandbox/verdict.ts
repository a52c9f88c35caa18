import { createHash } from "node:crypto";
import type { CaseResult, RejectReason, TaskCode } from "./types";

/** Identifies the code a verdict was computed for; stable across key order and whitespace of the JSON. */
export function hashTaskCode(code: TaskCode): string {
  const canonical = JSON.stringify([code.verifier, code.solution, code.failureCases]);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** The CaT filter: the first reason that holds, in the documented order. */
export function decideVerdict(
  verifierLoads: boolean,
  cases: CaseResult[],
): { status: "accepted" | "rejected"; reason: RejectReason | null } {
  const solution = cases.find((c) => c.role === "solution");
  const failures = cases.filter((c) => c.role === "failure");
  let reason: RejectReason | null = null;
  if (!verifierLoads) reason = "verifier_invalid";
  else if (solution?.outcome !== "pass") reason = "solution_not_passing";
  else if (failures.length === 0) reason = "no_failure_cases";
  else if (failures.some((c) => c.outcome === "pass")) reason = "failure_case_passing";
  else if (failures.some((c) => c.outcome !== "fail")) reason = "failure_case_error";
  return { status: reason ? "rejected" : "accepted", reason };
}
