import { describe, expect, it } from "vitest";
import { errorMarkers, runErrorMarkers } from "./error-markers";

const err = (line: number, source?: "case" | "verifier", type = "NameError") => ({
  type,
  message: "name 'x' is not defined",
  traceback: "",
  line,
  source,
});

describe("errorMarkers", () => {
  it("puts a verifier that does not load on the verifier", () => {
    expect(errorMarkers({ verifierError: { ...err(2), type: "SyntaxError" }, cases: [] }).verifier).toEqual([
      { line: 2, message: "SyntaxError: name 'x' is not defined" },
    ]);
  });
  it("puts a case's error on its own editor and verify's on the verifier", () => {
    const m = errorMarkers({
      cases: [
        { role: "solution", index: 0, caseError: err(1) },
        { role: "failure", index: 1, verifyError: err(3) },
      ],
    });
    expect(m.solution).toEqual([{ line: 1, message: "the case raised NameError: name 'x' is not defined" }]);
    expect(m.verifier).toEqual([{ line: 3, message: "verify raised NameError: name 'x' is not defined" }]);
    expect(m["failure-1"]).toBeUndefined();
  });
  it("follows the traceback to the other source", () => {
    const m = errorMarkers({
      cases: [{ role: "failure", index: 0, caseError: err(4, "verifier"), verifyError: err(5, "case") }],
    });
    expect(m.verifier).toEqual([{ line: 4, message: "the case raised NameError: name 'x' is not defined" }]);
    expect(m["failure-0"]).toEqual([{ line: 5, message: "verify raised NameError: name 'x' is not defined" }]);
  });
  it("marks the same error once when every case hits it, and skips errors without a line", () => {
    const cases = [0, 1, 2].map((i) => ({ role: "failure" as const, index: i, verifyError: err(2) }));
    expect(
      errorMarkers({
        cases: [...cases, { role: "solution", index: 0, caseError: { type: "Timeout", message: "", traceback: "" } }],
      }),
    ).toEqual({
      verifier: [{ line: 2, message: "verify raised NameError: name 'x' is not defined" }],
      solution: [],
    });
  });
});

describe("runErrorMarkers", () => {
  it("reads the stored JSON and ignores what it cannot read", () => {
    const m = runErrorMarkers({
      verifierError: null,
      cases: [
        { role: "solution", index: 0, error: { case: err(1), verify: null } },
        { role: "failure", index: 0, error: "garbage" },
        {
          role: "failure",
          index: 1,
          error: { verify: { type: "KeyError", message: "'orders'", traceback: "…", line: 2 } },
        },
      ],
    });
    expect(m.solution).toEqual([{ line: 1, message: "the case raised NameError: name 'x' is not defined" }]);
    expect(m.verifier).toEqual([{ line: 2, message: "verify raised KeyError: 'orders'" }]);
  });
});
