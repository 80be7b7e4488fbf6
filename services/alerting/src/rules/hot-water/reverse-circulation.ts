/**
 * Night-time reverse circulation (DOMAIN.md §5.2, "Night reverse circulation (thermosiphon)", D/C): at
 * night the tank top cools faster than its standing loss while the collector, colder than the tank, stays
 * warmer than the air: warm water is rising into the collector and coming back cold, because a check valve
 * is missing or stuck open. Or the controller runs the pump at night with a collector colder than the tank
 * (pumping heat out), unless it is antifreeze circulation (collector near freezing).
 *
 * The latest quiet night is judged: sun below night_below_elevation_deg and outside the demand windows
 * (a draw-off cools the tank too). The verdict holds until the next night is judged.
 */
import type { RulesConfig } from "../config/schema.js";
import { ambientC, COLLECTOR, demandWindowAt, eachHeater, pumpOn, TANK_TOP } from "../lib/hot-water.js";
import { fitLine, median, minutesWhere, num, readingsOf, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import { sunElevationDeg } from "../lib/solar.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";

const HOUR_MS = 3_600_000;

export function swhReverseCirculation(input: RuleInput, config: RulesConfig): RuleResult[] {
  if (!config.swh_reverse_circulation.enabled) return [];
  return eachHeater(input, (id) => judge(input, config, id));
}

function judge(input: RuleInput, config: RulesConfig, id: string): RuleResult | undefined {
  const c = config.swh_reverse_circulation;
  const night = latestQuietNight(input, config, id);
  const first = night[0];
  const last = night.at(-1);
  if (!first || !last || last.time - first.time < c.min_night_h * HOUR_MS) return undefined;
  const tankTop = night.flatMap((r) => {
    const v = num(r, TANK_TOP);
    return v === undefined ? [] : [{ x: (r.time - first.time) / HOUR_MS, y: v }];
  });
  const collector = median(night.flatMap((r) => num(r, COLLECTOR) ?? []));
  if (tankTop.length < 3 || collector === undefined) return undefined;
  const coolingKPerH = -fitLine(tankTop).slope;
  const tank = median(tankTop.map((p) => p.y)) as number;
  const air = ambientC(input, first.time, last.time);
  const maxGap = config.hot_water.max_gap_min * 60_000;
  const pumpingMin = minutesWhere(
    night,
    (r) => {
      const coll = num(r, COLLECTOR);
      const top = num(r, TANK_TOP);
      return (
        pumpOn(r) === true &&
        coll !== undefined &&
        top !== undefined &&
        coll < top &&
        coll >= c.antifreeze_below_c
      );
    },
    maxGap,
    last.time,
  );
  const thermosiphon =
    coolingKPerH > c.max_tank_loss_k_per_h &&
    collector < tank &&
    (air === undefined || collector >= air + c.collector_above_ambient_k);
  const pumping = pumpingMin > c.max_pump_on_night_min;
  const evidence: Record<string, Evidence> = {
    tank_top_cooling_k_per_h: ev(coolingKPerH, "K/h", 2),
    max_standing_loss_k_per_h: ev(c.max_tank_loss_k_per_h, "K/h", 2),
    collector_c: ev(collector, "°C", 1),
    tank_top_c: ev(tank, "°C", 1),
    ...(air !== undefined && { ambient_c: ev(air, "°C", 1) }),
    pump_on_at_night_min: ev(pumpingMin, "min", 0),
    night_from: ev(first.time, "time", 0),
    night_to: ev(last.time, "time", 0),
  };
  if (!thermosiphon && !pumping) return okResult(input, "swh_reverse_circulation", id, c.severity, evidence);
  return makeResult(input, "swh_reverse_circulation", {
    device: id,
    severity: c.severity,
    active: true,
    variant: thermosiphon ? "thermosiphon" : "pump_at_night",
    evidence,
    action: thermosiphon ? "check_check_valve" : "check_controller_night_pumping",
    params: { cooling_k_per_h: Math.round(coolingKPerH * 10) / 10 },
    since: first.time,
  });
}

/**
 * The readings of the most recent unbroken run of quiet night (sun down, outside demand windows) in the
 * lookback; a hole longer than max_gap_min in the data ends the run.
 */
function latestQuietNight(input: RuleInput, config: RulesConfig, id: string): Reading[] {
  const c = config.swh_reverse_circulation;
  const rs = within(
    readingsOf(input.readings, "hot_water", id),
    input.now - c.lookback_h * HOUR_MS,
    input.now,
  );
  const quiet = (r: Reading) =>
    sunElevationDeg(r.time, input.site) < c.night_below_elevation_deg &&
    !demandWindowAt(r.time, input.site.timeZone, config.hot_water.demand_windows);
  const maxGap = config.hot_water.max_gap_min * 60_000;
  const run: Reading[] = [];
  for (let i = rs.length - 1; i >= 0; i--) {
    const r = rs[i] as Reading;
    if (!quiet(r) || (run.length > 0 && (run[0] as Reading).time - r.time > maxGap)) {
      if (run.length > 0) break;
      continue;
    }
    run.unshift(r);
  }
  return run;
}
