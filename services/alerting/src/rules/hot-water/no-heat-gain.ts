/**
 * Pump on but no heat gain (DOMAIN.md §5.2, "Pump failure / no flow", B/D): the relay has been on for a
 * while, the collector stays well above the tank (heat is there to take: with flow, ΔT falls towards the
 * controller's ΔT_off), yet the tank does not warm, or the heat counter does not count. A seized pump, a
 * closed valve, air in the loop or a blocked filter; the backup heater hides it until the bill arrives.
 *
 * When the pump has not run long enough in the window there is no verdict (no result): the alert stays
 * as it was overnight instead of resolving every evening.
 */
import type { RulesConfig } from "../config/schema.js";
import {
  collectorDelta,
  eachHeater,
  heatGainWh,
  medianFlow,
  pumpOn,
  TANK_BOTTOM,
  TANK_TOP,
} from "../lib/hot-water.js";
import { median, minutesWhere, num, readingsOf, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";

export function swhNoHeatGain(input: RuleInput, config: RulesConfig): RuleResult[] {
  if (!config.swh_no_heat_gain.enabled) return [];
  return eachHeater(input, (id) => judge(input, config, id));
}

function judge(input: RuleInput, config: RulesConfig, id: string): RuleResult | undefined {
  const c = config.swh_no_heat_gain;
  const rs = within(
    readingsOf(input.readings, "hot_water", id),
    input.now - c.window_min * 60_000,
    input.now,
  );
  const maxGap = config.hot_water.max_gap_min * 60_000;
  const pumpMin = minutesWhere(rs, (r) => pumpOn(r) === true, maxGap, input.now);
  if (pumpMin < c.min_pump_on_min) return undefined;
  const on = rs.filter((r) => pumpOn(r) === true);
  const delta = median(on.flatMap((r) => collectorDelta(r) ?? []));
  if (delta === undefined) return undefined;
  const firstOn = (on[0] as Reading).time;
  const tank = rs
    .filter((r) => r.time >= firstOn)
    .flatMap((r) => num(r, TANK_BOTTOM) ?? num(r, TANK_TOP) ?? []);
  const tankRise = tank.length >= 2 ? (tank.at(-1) as number) - (tank[0] as number) : undefined;
  const heat = heatGainWh(input, id, firstOn, input.now);
  if (heat === undefined && tankRise === undefined) return undefined;
  const flow = medianFlow(input, id, on);
  const evidence: Record<string, Evidence> = {
    pump_on_min: ev(pumpMin, "min", 0),
    collector_minus_tank_k: ev(delta, "K", 1),
    ...(tankRise !== undefined && { tank_rise_k: ev(tankRise, "K", 1) }),
    ...(heat !== undefined && { heat_gain_wh: ev(heat, "Wh", 0) }),
    ...(flow !== undefined && { flow_l_per_h: ev(flow, "L/h", 0) }),
    window_min: ev(c.window_min, "min", 0),
  };
  const noGain = heat !== undefined ? heat < c.min_heat_wh : (tankRise as number) < c.min_tank_rise_k;
  if (!noGain || delta < c.min_delta_k) return okResult(input, "swh_no_heat_gain", id, c.severity, evidence);
  return makeResult(input, "swh_no_heat_gain", {
    device: id,
    severity: c.severity,
    active: true,
    variant: flow === 0 ? "no_flow" : "no_gain",
    evidence,
    action: "check_solar_pump_valves_and_air",
    params: { pump_on_min: Math.round(pumpMin), collector_minus_tank_k: Math.round(delta) },
    since: firstOn,
  });
}
