import { describe, expect, it } from "vitest";
import { rerunCounts, visibleReruns } from "./rerun-counts";

const runs = (done: number, failed: number, cancelled: number, queued = 0, running = 0) => ({
  done,
  failed,
  cancelled,
  queued,
  running,
});

describe("rerunCounts", () => {
  it("counts finished and failed runs as progress", () => {
    expect(rerunCounts({ taskCount: 3, runs: runs(2, 1, 0), finished: true, cancelled: false })).toMatchObject({
      ran: 3,
      pct: 100,
      text: "3/3 tasks",
    });
    expect(rerunCounts({ taskCount: 4, runs: runs(1, 0, 0, 3), finished: false, cancelled: false })).toMatchObject({
      ran: 1,
      pct: 25,
      text: "1/4 tasks",
    });
  });
  it("a cancelled rerun shows done and cancelled, not a full bar", () => {
    expect(rerunCounts({ taskCount: 269, runs: runs(46, 0, 223), finished: true, cancelled: true })).toEqual({
      ran: 46,
      total: 269,
      pct: 17,
      cancelledPct: 83,
      text: "46 done · 223 cancelled of 269 tasks",
    });
  });
  it("an empty rerun is complete", () => {
    expect(rerunCounts({ taskCount: 0, runs: runs(0, 0, 0), finished: true, cancelled: false }).pct).toBe(100);
  });
});

describe("visibleReruns", () => {
  it("shows running reruns and those that finished in the last two minutes", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    const at = (iso: string, seconds: number, finished: boolean, id: number) => ({
      id,
      createdAt: iso,
      seconds,
      finished,
    });
    const shown = visibleReruns(
      [
        at("2026-01-01T11:50:00Z", 60, false, 1),
        at("2026-01-01T11:59:00Z", 10, true, 2),
        at("2026-01-01T11:50:00Z", 10, true, 3),
      ],
      now,
    );
    expect(shown.map((r) => r.id)).toEqual([1, 2]);
  });
});
