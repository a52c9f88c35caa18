// Error squiggles for the editors: which editor and line each error of a Try or a filter run
// belongs to. Keys are "verifier", "solution" and "failure-<index>".
import type { CodeMarker } from "../editor/code-view";
import { readCaseError, readCaseErrors, type CaseErrorInfo } from "./case-errors";

export type MarkerMap = Record<string, CodeMarker[]>;

export interface CaseErrors {
  role: "solution" | "failure";
  index: number;
  caseError?: CaseErrorInfo | null;
  verifyError?: CaseErrorInfo | null;
}

const editorKey = (role: "solution" | "failure", index: number) =>
  role === "solution" ? "solution" : `failure-${index}`;

/**
 * The case's own error goes to the case's editor and verify's error to the verifier — unless the
 * traceback says the failing line is in the other source (a case can call into the verifier's
 * helpers, and verify can fail inside state the case left). The same error on several cases (a
 * verifier that raises on every case) is marked once.
 */
export function errorMarkers({
  verifierError,
  cases,
}: {
  verifierError?: CaseErrorInfo | null;
  cases: CaseErrors[];
}): MarkerMap {
  const out: MarkerMap = { verifier: [], solution: [] };
  const add = (key: string, e: CaseErrorInfo | null | undefined, prefix: string) => {
    if (!e?.line) return;
    const marker = { line: e.line, message: `${prefix}${e.type}: ${e.message}` };
    const list = out[key] ?? [];
    if (!list.some((m) => m.line === marker.line && m.message === marker.message)) out[key] = [...list, marker];
  };
  add("verifier", verifierError, "");
  for (const c of cases) {
    const own = editorKey(c.role, c.index);
    add(c.caseError?.source === "verifier" ? "verifier" : own, c.caseError, "the case raised ");
    add(c.verifyError?.source === "case" ? own : "verifier", c.verifyError, "verify raised ");
  }
  return out;
}

/** The same, from a stored filter run (its JSON columns). */
export function runErrorMarkers(run: {
  verifierError: unknown;
  cases: Array<{ role: "solution" | "failure"; index: number; error: unknown }>;
}): MarkerMap {
  return errorMarkers({
    verifierError: readCaseError(run.verifierError),
    cases: run.cases.map((c) => {
      const e = readCaseErrors(c.error);
      return { role: c.role, index: c.index, caseError: e.case, verifyError: e.verify };
    }),
  });
}
