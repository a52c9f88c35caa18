import { describe, expect, it } from "vitest";
import { current, emptySelection, reduceSelection, selectionCount, selectionInput } from "./selection";

describe("selection", () => {
  it("toggles rows and counts them", () => {
    let s = emptySelection("q=a");
    s = reduceSelection(s, { type: "toggle", id: 1, query: "q=a" });
    s = reduceSelection(s, { type: "toggle", id: 2, query: "q=a" });
    s = reduceSelection(s, { type: "toggle", id: 1, query: "q=a" });
    expect([...s.ids]).toEqual([2]);
    expect(selectionInput(s, { q: "a" })).toEqual({ taskIds: [2] });
    expect(selectionCount(s, 50)).toBe(1);
  });
  it("all matching selects by the filter and counts the total", () => {
    const s = reduceSelection(emptySelection("q=a"), { type: "allMatching", query: "q=a" });
    expect(selectionInput(s, { q: "a" })).toEqual({ filter: { q: "a" } });
    expect(selectionCount(s, 50)).toBe(50);
    expect(selectionCount(s, undefined)).toBe(0);
  });
  it("is empty again on another list", () => {
    const s = reduceSelection(emptySelection("q=a"), { type: "toggle", id: 7, query: "q=a" });
    expect(current(s, "q=b").ids.size).toBe(0);
    expect(reduceSelection(s, { type: "toggle", id: 8, query: "q=b" }).ids).toEqual(new Set([8]));
  });
  it("picking a row leaves 'all matching'", () => {
    const all = reduceSelection(emptySelection(""), { type: "allMatching", query: "" });
    expect(reduceSelection(all, { type: "toggle", id: 3, on: true, query: "" }).allMatching).toBe(false);
  });
});
