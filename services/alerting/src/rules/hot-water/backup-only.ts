/**
 * The backup heater doing all the work on a sunny day (DOMAIN.md §5.2, "Backup masking failures", B:
 * failures go unnoticed because the backup always delivers; monitor the solar yield apart). Two signs over
 * the sunny part of a day (sun above day_elevation_deg):
 * - "backup_only": a sunny day (site irradiance sensor: clear-sky index; without one: the collector got
 *   well above the tank), the backup ran, and the solar gain was ≈ 0 (heat counter, or pump run time);
 * - "backup_while_collector_hot": the backup ran while the collector was hot enough to heat the tank.
 * Today is judged once it has min_daylight_h of such readings, else yesterday.
 */
import { addDays, localDay, localDayOf } from "@jisr/core";
import type { RulesConfig } from "../config/schema.js";
import { collectorDelta, eachHeater, heatGainWh, pumpOn } from "../lib/hot-water.js";
import { bool, minutesWhere, readingsOf, series, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import { arrayOf, clearSkyPoa, sunElevationDeg } from "../lib/solar.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";

export function swhBackupOnly(input: RuleInput, config: RulesConfig): RuleResult[] {
  if (!config.swh_backup_only.enabled) return [];
  return eachHeater(input, (id) => judge(input, config, id));
}

/** The sunny-part readings of today (if enough) or yesterday, with the day's label. */
function sunnyPart(input: RuleInput, config: RulesConfig, id: string) {
  const c = config.swh_backup_only;
  const all = readingsOf(input.readings, "hot_water", id);
  const maxGap = config.hot_water.max_gap_min * 60_000;
  const today = localDayOf(input.now, input.site.timeZone);
  for (const day of [today, addDays(today, -1)]) {
    const p = localDay(day, input.site.timeZone);
    const to = Math.min(p.to, input.now);
    const rs = within(all, p.from, to).filter(
      (r) => sunElevationDeg(r.time, input.site) >= c.day_elevation_deg,
    );
    if (minutesWhere(rs, () => true, maxGap, to) >= c.min_daylight_h * 60) return { day, rs, to };
  }
  return undefined;
}

function judge(input: RuleInput, config: RulesConfig, id: string): RuleResult | undefined {
  const c = config.swh_backup_only;
  const part = sunnyPart(input, config, id);
  if (!part) return undefined;
  const { day, rs, to } = part;
  const first = rs[0] as Reading;
  const maxGap = config.hot_water.max_gap_min * 60_000;
  const backupMin = minutesWhere(rs, (r) => bool(r, "backup_heater_on") === true, maxGap, to);
  const hotBackupMin = minutesWhere(
    rs,
    (r) =>
      bool(r, "backup_heater_on") === true && (collectorDelta(r) ?? -Infinity) >= c.hot_collector_delta_k,
    maxGap,
    to,
  );
  const gain = heatGainWh(input, id, first.time, to);
  const pumpMin = minutesWhere(rs, (r) => pumpOn(r) === true, maxGap, to);
  const noSolar = gain !== undefined ? gain < c.max_solar_gain_wh : pumpMin < c.max_pump_on_min;
  const sky = sunnyDay(input, config, rs, first.time, to);
  const evidence: Record<string, Evidence> = {
    day: ev(day),
    backup_on_min: ev(backupMin, "min", 0),
    backup_on_collector_hot_min: ev(hotBackupMin, "min", 0),
    ...(gain !== undefined ? { solar_gain_wh: ev(gain, "Wh", 0) } : { pump_on_min: ev(pumpMin, "min", 0) }),
    ...sky.evidence,
  };
  const backupOnly = sky.sunny && backupMin >= c.min_backup_min && noSolar;
  const whileHot = hotBackupMin >= c.min_backup_min;
  if (!backupOnly && !whileHot) return okResult(input, "swh_backup_only", id, c.severity, evidence);
  return makeResult(input, "swh_backup_only", {
    device: id,
    severity: c.severity,
    active: true,
    variant: backupOnly ? "backup_only" : "backup_while_collector_hot",
    evidence,
    action: "check_solar_pump_and_collector",
    params: { day, backup_on_min: Math.round(backupMin) },
    since: localDay(day, input.site.timeZone).from,
  });
}

/** Sunny: clear-sky index from the site's irradiance sensor, else the collector's rise above the tank. */
function sunnyDay(
  input: RuleInput,
  config: RulesConfig,
  rs: Reading[],
  from: number,
  to: number,
): { sunny: boolean; evidence: Record<string, Evidence> } {
  const c = config.swh_backup_only;
  const sensor = input.site.irradianceSensor;
  const irr = sensor
    ? series(within(readingsOf(input.readings, "weather", sensor), from, to), "irradiance_w_per_m2")
    : [];
  if (irr.length >= 2) {
    // The sensor lies in the PV plane: compare with the clear sky on that plane (first inverter's, or 30° south).
    const inv = Object.values(input.site.inverters)[0] ?? { kwp: 1, tiltDeg: 30, azimuthDeg: 180 };
    const array = arrayOf(input.site, inv, config.pv_model);
    const measured = irr.reduce((a, s) => a + s.v, 0);
    const clear = irr.reduce((a, s) => a + clearSkyPoa(s.t, array), 0);
    const index = clear > 0 ? measured / clear : 0;
    return { sunny: index >= c.min_clear_sky_index, evidence: { clear_sky_index: ev(index, "", 2) } };
  }
  const deltas = rs.flatMap((r) => collectorDelta(r) ?? []);
  const maxDelta = deltas.length > 0 ? Math.max(...deltas) : Number.NEGATIVE_INFINITY;
  return {
    sunny: maxDelta >= c.sunny_collector_delta_k,
    evidence: deltas.length > 0 ? { collector_minus_tank_max_k: ev(maxDelta, "K", 1) } : {},
  };
}
