/**
 * Collector overheating (DOMAIN.md §5.2, B): stagnation (collector at or above collector_max_c: the pump
 * stopped, a power cut in sunshine, or a full tank with nobody drawing; the loop boils and the relief
 * valve blows), or the pump off while the collector is hot and well above a tank that still has room (the
 * controller should be pumping: relay, pump or power failure). Both must hold over the last for_min.
 *
 * With the sun low and nothing wrong there is no verdict (no result), so a pump failure stays one alert
 * across the night instead of resolving every evening.
 */
import type { RulesConfig } from "../config/schema.js";
import { COLLECTOR, eachHeater, pumpOn, TANK_BOTTOM, TANK_TOP } from "../lib/hot-water.js";
import { num, readingsOf, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import { sunElevationDeg } from "../lib/solar.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";

/** Below this sun elevation a healthy collector cannot be judged hot or not. */
const JUDGE_ELEVATION_DEG = 10;

export function swhOverheating(input: RuleInput, config: RulesConfig): RuleResult[] {
  if (!config.swh_overheating.enabled) return [];
  return eachHeater(input, (id) => judge(input, config, id));
}

function judge(input: RuleInput, config: RulesConfig, id: string): RuleResult | undefined {
  const c = config.swh_overheating;
  const rs = within(
    readingsOf(input.readings, "hot_water", id),
    input.now - c.for_min * 60_000,
    input.now,
  ).filter((r) => num(r, COLLECTOR) !== undefined);
  const last = rs.at(-1);
  if (rs.length < 2 || !last) return undefined;
  const tank = (r: Reading) => num(r, TANK_BOTTOM) ?? num(r, TANK_TOP);
  const stagnation = rs.every((r) => (num(r, COLLECTOR) as number) >= c.collector_max_c);
  const pumpStopped = rs.every((r) => {
    const coll = num(r, COLLECTOR) as number;
    const t = tank(r);
    return (
      pumpOn(r) === false &&
      t !== undefined &&
      coll >= c.pump_off_min_collector_c &&
      coll - t >= c.pump_off_delta_k &&
      t < c.tank_max_c &&
      r.fields.state !== "TANK_MAX_TEMPERATURE"
    );
  });
  const lastTank = tank(last);
  const evidence: Record<string, Evidence> = {
    collector_c: ev(num(last, COLLECTOR) as number, "°C", 1),
    collector_min_c: ev(Math.min(...rs.map((r) => num(r, COLLECTOR) as number)), "°C", 1),
    ...(lastTank !== undefined && { tank_c: ev(lastTank, "°C", 1) }),
    ...(pumpOn(last) !== undefined && { pump_on: ev(pumpOn(last) as boolean) }),
    ...(typeof last.fields.state === "string" && { state: ev(last.fields.state) }),
    window_min: ev(c.for_min, "min", 0),
  };
  if (!stagnation && !pumpStopped) {
    if (sunElevationDeg(input.now, input.site) < JUDGE_ELEVATION_DEG) return undefined;
    return okResult(input, "swh_overheating", id, c.severity, evidence);
  }
  return makeResult(input, "swh_overheating", {
    device: id,
    severity: c.severity,
    active: true,
    variant: stagnation ? "stagnation" : "pump_stopped",
    evidence,
    // A hot collector over a full tank is a use problem (heat dump, cover); with room in the tank, the pump.
    action:
      pumpStopped || (lastTank !== undefined && lastTank < c.tank_max_c)
        ? "check_solar_pump_and_power"
        : "cover_collector_or_dump_heat",
    params: { collector_c: Math.round(num(last, COLLECTOR) as number) },
    since: (rs[0] as Reading).time,
  });
}
