/** Helpers of the solar water heater rules: which devices, pump state, heat counters, demand windows. */
import { localParts } from "@jisr/core";
import { type LocalWindow, minuteOfDay } from "../config/zod-helpers.js";
import type { Reading, RuleInput, RuleResult } from "../types.js";
import { bool, byDevice, median, num, readingsOf, series, within } from "./readings.js";

export const COLLECTOR = "collector_temperature_c";
export const TANK_BOTTOM = "tank_bottom_temperature_c";
export const TANK_TOP = "tank_top_temperature_c";

/** Declared water heaters and every device that sends `hot_water`, sorted. */
export function heaterDevices(input: RuleInput): string[] {
  return [
    ...new Set([
      ...Object.keys(input.site.solarWaterHeaters),
      ...byDevice(input.readings, "hot_water").keys(),
    ]),
  ].sort();
}

/** `judge`'s verdict on each water heater (heaterDevices), leaving out those it has none for. */
export function eachHeater(input: RuleInput, judge: (id: string) => RuleResult | undefined): RuleResult[] {
  return heaterDevices(input).flatMap((id) => judge(id) ?? []);
}

/** Pump relay on? `pump_on`, else a pump speed above 0; undefined when the device reports neither. */
export function pumpOn(r: Reading): boolean | undefined {
  const relay = bool(r, "pump_on");
  if (relay !== undefined) return relay;
  const speed = num(r, "pump_speed_pct");
  return speed === undefined ? undefined : speed > 0;
}

/** Collector − tank bottom (tank top where there is no bottom sensor), K. */
export function collectorDelta(r: Reading): number | undefined {
  const coll = num(r, COLLECTOR);
  const tank = num(r, TANK_BOTTOM) ?? num(r, TANK_TOP);
  return coll === undefined || tank === undefined ? undefined : coll - tank;
}

/**
 * Rise of the heat counter over [from, to], Wh: `hot_water.heat_energy_wh`, else the linked heat meter's
 * `heat_meter.energy_wh`. Only rises count (a reset or a glitch down is not negative heat). Undefined when
 * neither counter has two readings in the span.
 */
export function heatGainWh(input: RuleInput, device: string, from: number, to: number): number | undefined {
  const own = series(within(readingsOf(input.readings, "hot_water", device), from, to), "heat_energy_wh");
  const meter = input.site.solarWaterHeaters[device]?.heatMeter;
  const counter =
    own.length >= 2 || !meter
      ? own
      : series(within(readingsOf(input.readings, "heat_meter", meter), from, to), "energy_wh");
  if (counter.length < 2) return undefined;
  let gain = 0;
  for (let i = 1; i < counter.length; i++) {
    const d = (counter[i]?.v ?? 0) - (counter[i - 1]?.v ?? 0);
    if (d > 0) gain += d;
  }
  return gain;
}

/** Median flow over [from, to] when the device or its heat meter reports one, L/h. */
export function medianFlow(input: RuleInput, device: string, readings: Reading[]): number | undefined {
  const own = readings.flatMap((r) => num(r, "flow_l_per_h") ?? []);
  if (own.length > 0) return median(own);
  const meter = input.site.solarWaterHeaters[device]?.heatMeter;
  const first = readings[0];
  const last = readings.at(-1);
  if (!meter || !first || !last) return undefined;
  const flows = series(
    within(readingsOf(input.readings, "heat_meter", meter), first.time, last.time),
    "flow_l_per_h",
  );
  return median(flows.map((s) => s.v));
}

/** The demand window `t` falls in (local time of the site), if any, with its UTC start. */
export function demandWindowAt(
  t: number,
  timeZone: string,
  windows: readonly LocalWindow[],
): { window: LocalWindow; start: number } | undefined {
  const p = localParts(t, timeZone);
  const minute = p.hour * 60 + p.minute;
  const w = windows.find((w) => minuteOfDay(w.start) <= minute && minute < minuteOfDay(w.end));
  return w && { window: w, start: t - (minute - minuteOfDay(w.start)) * 60_000 - (t % 60_000) };
}

/** Median ambient temperature over [from, to] from any weather device of the site, °C. */
export function ambientC(input: RuleInput, from: number, to: number): number | undefined {
  const values = within(
    input.readings.filter((r) => r.measurement === "weather"),
    from,
    to,
  ).flatMap((r) => num(r, "ambient_temperature_c") ?? []);
  return median(values);
}
