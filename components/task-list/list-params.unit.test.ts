import { describe, expect, it } from "vitest";
import { hasFilter, readListParams, taskListHref, withParams } from "./list-params";

const params = (qs: string) => new URLSearchParams(qs);

describe("readListParams", () => {
  it("reads filters, sort and direction, and pages by 200", () => {
    const { input, filter } = readListParams(
      params("verdict=rejected&reason=verifier_invalid&sort=externalId&dir=asc&junk=1"),
    );
    expect(filter).toEqual({ verdict: "rejected", reason: "verifier_invalid" });
    expect(input).toMatchObject({ verdict: "rejected", sort: "externalId", dir: "asc", limit: 200 });
  });
  it("drops an invalid value and keeps the rest", () => {
    const { filter, input } = readListParams(params("verdict=maybe&stale=yes&sort=sideways"));
    expect(filter).toEqual({ stale: "yes" });
    expect(input.sort).toBe("created");
  });
  it("a fixed filter overrides the URL", () => {
    expect(readListParams(params("dataset=other&review=approved"), { dataset: "mine" }).filter).toEqual({
      dataset: "mine",
      review: "approved",
    });
  });
});

describe("withParams", () => {
  it("sets and removes keys, keeping the others", () => {
    expect(withParams("a=1&b=2", { b: undefined, c: "3" })).toBe("a=1&c=3");
    expect(withParams("", { q: "" })).toBe("");
  });
});

describe("hasFilter", () => {
  it("ignores the fixed filters", () => {
    expect(hasFilter({ dataset: "x" }, { dataset: "x" })).toBe(false);
    expect(hasFilter({ dataset: "x", verdict: "accepted" }, { dataset: "x" })).toBe(true);
  });
});

describe("taskListHref", () => {
  it("links to the filtered list, encoding values", () => {
    expect(taskListHref({ label: "false positive", override: "yes" })).toBe("/tasks?label=false+positive&override=yes");
    expect(taskListHref({ batch: undefined })).toBe("/tasks");
  });
});
