import { describe, expect, it } from "vitest";
import { formatDuration, formatProgress, StatusLine, timeLeftMs } from "./progress.js";

describe("progress of a long run", () => {
  it("says how long the rest takes at the pace so far", () => {
    const p = {
      month: "2026-03",
      institutionsDone: 12,
      institutions: 40,
      daysDone: 1200,
      days: 14_600,
      elapsedMs: 80_000,
    };
    // 80 s for 1 200 institution-days: 13 400 left × 80/1200 s = 893.3 s = 14 min 53 s.
    expect(timeLeftMs(p)).toBeCloseTo(893_333.33, 1);
    expect(formatProgress(p)).toBe(
      "analytics 2026-03: institutions 12/40, days 1200/14600 (8 %), 1 min 20 s, ~14 min 53 s left",
    );
    // Nothing done yet: no pace, no estimate.
    expect(formatProgress({ ...p, daysDone: 0, institutionsDone: 0 })).toBe(
      "analytics 2026-03: institutions 0/40, days 0/14600 (0 %), 1 min 20 s",
    );
    expect(formatDuration(3_725_000)).toBe("1 h 02 min");
    expect(formatDuration(400)).toBe("0 s");
  });

  it("keeps the status line under the log lines on a terminal, and draws nothing elsewhere", () => {
    let tty = "";
    const line = new StatusLine({ write: (s: string) => (tty += s) }, true);
    line.write("before\n");
    line.show("a 1/2");
    line.write("log\n");
    line.show("a 2/2");
    line.done();
    expect(tty).toBe("before\n\r\x1b[2Ka 1/2\r\x1b[2Klog\na 1/2\r\x1b[2Ka 2/2\n");
    let piped = "";
    const off = new StatusLine({ write: (s: string) => (piped += s) }, false);
    off.show("a 1/2");
    off.write("log\n");
    off.done();
    expect(piped).toBe("log\n");
  });
});
