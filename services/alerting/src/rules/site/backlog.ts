/**
 * Gateway backlog: readings pile up in a gateway's durable queue because the uplink is down or too slow.
 * Two signs, from gateway_health: the oldest queued reading is old (nothing delivered for that long), or
 * queue_points grew over the window without ever falling back (a healthy queue empties at every send).
 * Lost points (dropped_points_total rising: the queue overflowed) raise it to major.
 */
import type { RulesConfig } from "../config/schema.js";
import { byDevice, num, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import type { Evidence, Reading, RuleInput, RuleResult, Severity } from "../types.js";

export function gatewayBacklog(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.gateway_backlog;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const [id, all] of byDevice(input.readings, "gateway_health")) {
    const recent = within(all, input.now - c.growth_window_min * 60_000, input.now);
    const last = recent.at(-1);
    if (!last || recent.length < c.min_samples) continue;
    const ageMin = (num(last, "oldest_queued_age_s") ?? 0) / 60;
    const queue = recent.flatMap((r) => num(r, "queue_points") ?? []);
    const growth = growthOf(queue);
    const dropped = droppedIn(recent);
    const old = ageMin > c.max_oldest_queued_age_min;
    const growing = growth !== undefined && growth >= c.min_growth_points;
    const evidence: Record<string, Evidence> = {
      oldest_queued_age_min: ev(ageMin, "min", 0),
      queue_points: ev(queue.at(-1) ?? 0, "points", 0),
      queue_growth_points: ev(growth ?? 0, "points", 0),
      window_min: ev(c.growth_window_min, "min", 0),
      dropped_points: ev(dropped, "points", 0),
    };
    const severity: Severity = dropped > 0 ? "major" : c.severity;
    if (!old && !growing && dropped === 0) {
      out.push(okResult(input, "gateway_backlog", id, c.severity, evidence));
      continue;
    }
    out.push(
      makeResult(input, "gateway_backlog", {
        device: id,
        severity,
        active: true,
        variant: dropped > 0 ? "dropping" : old ? "stale" : "growing",
        evidence,
        action: "check_gateway_uplink",
        params: { oldest_queued_age_min: Math.round(ageMin), dropped_points: dropped },
        ...(old && { since: last.time - ageMin * 60_000 }),
      }),
    );
  }
  return out;
}

/** Rise from the first value to the last, if the queue never fell below where it started; else undefined. */
function growthOf(queue: number[]): number | undefined {
  const first = queue[0];
  const last = queue.at(-1);
  if (first === undefined || last === undefined) return undefined;
  if (queue.some((q) => q < first)) return undefined;
  return last - first;
}

/** Points dropped within the window: the rise of the dropped_points_total counter (a restart resets it). */
function droppedIn(recent: Reading[]): number {
  let total = 0;
  let prev: number | undefined;
  for (const r of recent) {
    const v = num(r, "dropped_points_total");
    if (v === undefined) continue;
    if (prev !== undefined && v > prev) total += v - prev;
    prev = v;
  }
  return total;
}
