import { describe, expect, it } from "vitest";
import { parseVersionRef } from "./datasets";

describe("dataset version references", () => {
  it("are NAME or NAME@NUMBER", () => {
    expect(parseVersionRef("retail-curated")).toEqual({ name: "retail-curated", number: undefined });
    expect(parseVersionRef("retail-curated@12")).toEqual({ name: "retail-curated", number: 12 });
  });
  it("refuses everything else before it reaches a query or a path", () => {
    for (const bad of ["ds@1@/../../etc", "ds@", "@1", "ds@-1", "ds@1.5", "../ds", "ds/x@1", "a b", "ds@99999999999"]) {
      expect(() => parseVersionRef(bad), bad).toThrow();
    }
  });
});
