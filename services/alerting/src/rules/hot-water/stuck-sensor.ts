/**
 * A stuck temperature sensor: exactly one value over stuck_hours while what should move it did move.
 * "What should move it" is physics, not just "another sensor moved": a collector moves in the sun; a
 * tank sensor moves when heat goes in (solar, or the backup for the top and the outlet). A tank bottom
 * at mains temperature with no heat coming in (a cloudy spell, a failed pump) may honestly repeat one
 * value for hours, and is not called stuck. Fields without a known driver, or a heater that reports no
 * pump and no heat counter, fall back to "another temperature of the heater moved".
 */
import type { RulesConfig } from "../config/schema.js";
import { collectorDelta, heatGainWh, pumpOn, TANK_BOTTOM, TANK_TOP } from "../lib/hot-water.js";
import { bool, minutesWhere, num, within } from "../lib/readings.js";
import { sunElevationDeg } from "../lib/solar.js";
import type { Reading, RuleInput } from "../types.js";

const TANK_FIELDS = new Set([TANK_BOTTOM, TANK_TOP, "outlet_temperature_c"]);
/** The sun is "up" for a collector from this elevation. */
const SUNNY_ELEVATION_DEG = 20;
/** Pumping counts as heat going in when the collector is this much hotter than the tank. */
const HOT_COLLECTOR_K = 10;
const HOUR_MS = 3_600_000;

/** The stuck value of `field`, or undefined when it is not stuck (or cannot be told). */
export function stuckValue(
  input: RuleInput,
  config: RulesConfig,
  device: string,
  all: Reading[],
  field: string,
): number | undefined {
  const c = config.swh_sensor_fault;
  const spanMs = c.stuck_hours * HOUR_MS;
  const rs = within(all, input.now - spanMs, input.now);
  const values = rs.flatMap((r) => num(r, field) ?? []);
  const first = rs.find((r) => num(r, field) !== undefined);
  if (values.length < c.stuck_min_samples || !first || first.time > input.now - 0.9 * spanMs)
    return undefined;
  if (Math.min(...values) !== Math.max(...values)) return undefined;
  return driverMoved(input, config, device, rs, field) ? values[0] : undefined;
}

function driverMoved(
  input: RuleInput,
  config: RulesConfig,
  device: string,
  rs: Reading[],
  field: string,
): boolean {
  const c = config.swh_sensor_fault;
  const maxGap = config.hot_water.max_gap_min * 60_000;
  if (c.collector_fields.includes(field)) {
    const sunny = (r: Reading) => sunElevationDeg(r.time, input.site) >= SUNNY_ELEVATION_DEG;
    return minutesWhere(rs, sunny, maxGap, input.now) >= c.stuck_min_sun_h * 60;
  }
  if (!TANK_FIELDS.has(field)) return othersMoved(config, rs, field);
  const backupMin = minutesWhere(rs, (r) => bool(r, "backup_heater_on") === true, maxGap, input.now);
  if (field !== TANK_BOTTOM && backupMin >= c.stuck_min_backup_min) return true;
  const heat = heatGainWh(input, device, (rs[0] as Reading).time, input.now);
  if (heat !== undefined) return heat >= c.stuck_min_heat_wh;
  if (rs.some((r) => pumpOn(r) !== undefined)) {
    const flowing = (r: Reading) =>
      pumpOn(r) === true && (num(r, "flow_l_per_h") ?? 1) > 0 && (collectorDelta(r) ?? 0) >= HOT_COLLECTOR_K;
    return minutesWhere(rs, flowing, maxGap, input.now) >= 60;
  }
  return othersMoved(config, rs, field);
}

function othersMoved(config: RulesConfig, rs: Reading[], field: string): boolean {
  const c = config.swh_sensor_fault;
  return c.fields.some((other) => {
    if (other === field) return false;
    const vs = rs.flatMap((r) => num(r, other) ?? []);
    return vs.length > 1 && Math.max(...vs) - Math.min(...vs) >= c.stuck_others_move_k;
  });
}
