import { describe, expect, it } from "vitest";
import { at, config, every, HOUR, input, MIN, reading } from "../testing/fixtures.js";
import { gatewayBacklog } from "./backlog.js";

const now = at(12);
const health = (f: (t: number) => Record<string, number>) =>
  every(now - 2 * HOUR, now + 1, 5 * MIN, (t) => reading("gateway_health", "gw-1", t, f(t)));

describe("gateway_backlog", () => {
  it("is healthy when the queue empties at every send", () => {
    const r = gatewayBacklog(
      input(
        health((t) => ({ queue_points: (t / MIN) % 2 === 0 ? 0 : 40, oldest_queued_age_s: 5 })),
        now,
      ),
      config(),
    );
    expect(r.map((x) => x.active)).toEqual([false]);
  });

  it("fires 'growing' when queue_points climbs by 500+ over the hour without draining", () => {
    const start = now - HOUR;
    const r = gatewayBacklog(
      input(
        health((t) => ({ queue_points: Math.max(0, (t - start) / MIN) * 12, oldest_queued_age_s: 600 })),
        now,
      ),
      config(),
    );
    expect(r[0]?.active).toBe(true);
    expect(r[0]?.summary.key).toBe("gateway_backlog.growing");
    expect(r[0]?.severity).toBe("minor");
    expect(r[0]?.evidence.queue_growth_points).toEqual({ value: 720, unit: "points" });
  });

  it("does not call a climb that once drained 'growing' (borderline: fell back below its start)", () => {
    const r = gatewayBacklog(
      input(
        health((t) => ({
          queue_points: t === now - 30 * MIN ? 0 : 100 + (t - now + HOUR) / 1000,
          oldest_queued_age_s: 60,
        })),
        now,
      ),
      config(),
    );
    expect(r[0]?.active).toBe(false);
  });

  it("fires 'stale' when the oldest queued point is older than 30 min; not at exactly 30", () => {
    const stale = gatewayBacklog(
      input(
        health(() => ({ queue_points: 10, oldest_queued_age_s: 31 * 60 })),
        now,
      ),
      config(),
    );
    expect(stale[0]?.summary.key).toBe("gateway_backlog.stale");
    expect(stale[0]?.since).toBe(now - 31 * MIN);
    const edge = gatewayBacklog(
      input(
        health(() => ({ queue_points: 10, oldest_queued_age_s: 30 * 60 })),
        now,
      ),
      config(),
    );
    expect(edge[0]?.active).toBe(false);
  });

  it("is major when points are being dropped", () => {
    const r = gatewayBacklog(
      input(
        health((t) => ({
          queue_points: 10,
          oldest_queued_age_s: 0,
          dropped_points_total: t > now - 10 * MIN ? 250 : 0,
        })),
        now,
      ),
      config(),
    );
    expect(r[0]?.severity).toBe("major");
    expect(r[0]?.summary.key).toBe("gateway_backlog.dropping");
    expect(r[0]?.evidence.dropped_points?.value).toBe(250);
  });

  it("says nothing with too few health readings in the window (missing data)", () => {
    const sparse = [
      reading("gateway_health", "gw-1", now - MIN, { queue_points: 99999, oldest_queued_age_s: 99999 }),
    ];
    expect(gatewayBacklog(input(sparse, now), config())).toEqual([]);
  });
});
