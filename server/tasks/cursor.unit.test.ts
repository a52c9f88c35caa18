import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

describe("list cursors", () => {
  it("round-trips the sort value and id", () => {
    expect(decodeCursor(encodeCursor("2026-11-30T10:00:00.000001Z", 42))).toEqual(["2026-11-30T10:00:00.000001Z", 42]);
    expect(decodeCursor(encodeCursor("retail-0001 \u00e9", 7))).toEqual(["retail-0001 \u00e9", 7]);
  });
  it("refuses anything else with a message to start again", () => {
    for (const bad of [
      "",
      "xyz",
      Buffer.from("[1,2]").toString("base64url"),
      Buffer.from('["a", 1.5]').toString("base64url"),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(/Invalid cursor/);
    }
  });
});
