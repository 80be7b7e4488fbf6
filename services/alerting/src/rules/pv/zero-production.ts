/**
 * Zero production in daylight (DOMAIN.md §5.1): for the last for_min minutes the sun stayed above
 * min_sun_elevation_deg and the clear-sky model expected at least min_expected_pct_of_kwp, yet every AC
 * power reading was ≈ 0. Heavy overcast still gives a few % of kWp, so ≈ 0 is a trip, a breaker or a
 * dead inverter, not weather; a site irradiance sensor reading "dark" (dust storm) vetoes it.
 *
 * Outside daylight the rule says nothing (no result): an alert raised in the afternoon stays up overnight
 * and resolves when the inverter produces again, instead of "resolving" at dusk.
 */
import type { RulesConfig } from "../config/schema.js";
import { median, num, readingsOf, series, within } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import { arrayOf, clearSkyAcW, sunElevationDeg } from "../lib/solar.js";
import type { Evidence, InverterInfo, Reading, RuleInput, RuleResult } from "../types.js";

const STEP_MS = 5 * 60_000;

export function pvZeroProduction(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.pv_zero_production;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const [id, info] of Object.entries(input.site.inverters)) {
    const r = judge(input, config, id, info);
    if (r) out.push(r);
  }
  return out;
}

function judge(
  input: RuleInput,
  config: RulesConfig,
  id: string,
  info: InverterInfo,
): RuleResult | undefined {
  const c = config.pv_zero_production;
  const from = input.now - c.for_min * 60_000;
  const array = arrayOf(input.site, info, config.pv_model);
  const minExpectedW = (c.min_expected_pct_of_kwp / 100) * info.kwp * 1000;
  for (let t = from; t <= input.now; t += STEP_MS) {
    if (sunElevationDeg(t, input.site) < c.min_sun_elevation_deg || clearSkyAcW(t, array) < minExpectedW) {
      return undefined;
    }
  }
  const all = readingsOf(input.readings, "pv_inverter", id);
  const recent = within(all, from, input.now).filter((r) => num(r, "power_w") !== undefined);
  if (recent.length < c.min_readings) return undefined;
  const irradiance = sensorMedian(input, from);
  if (irradiance !== undefined && irradiance < c.dark_irradiance_w_per_m2) return undefined;
  const zeroW = (c.zero_pct_of_kwp / 100) * info.kwp * 1000;
  const maxW = Math.max(...recent.map((r) => num(r, "power_w") as number));
  const last = recent.at(-1) as Reading;
  const state = typeof last.fields.state === "string" ? last.fields.state : undefined;
  const evidence: Record<string, Evidence> = {
    max_power_w: ev(maxW, "W", 0),
    zero_threshold_w: ev(zeroW, "W", 0),
    clear_sky_power_w: ev(clearSkyAcW(input.now, array), "W", 0),
    sun_elevation_deg: ev(sunElevationDeg(input.now, input.site), "°", 0),
    window_min: ev(c.for_min, "min", 0),
    ...(state !== undefined && { state: ev(state) }),
    ...(irradiance !== undefined && { irradiance_w_per_m2: ev(irradiance, "W/m²", 0) }),
  };
  if (maxW > zeroW) return okResult(input, "pv_zero_production", id, c.severity, evidence);
  return makeResult(input, "pv_zero_production", {
    device: id,
    severity: c.severity,
    active: true,
    variant: "zero",
    evidence,
    action: actionFor(state, config),
    params: { state: state ?? "", clear_sky_power_w: Math.round(clearSkyAcW(input.now, array)) },
    since: sinceOf(all, zeroW, input, c.min_sun_elevation_deg),
  });
}

function actionFor(state: string | undefined, config: RulesConfig): string {
  if (state !== undefined && config.inverter_fault.fault_states.includes(state)) {
    return "read_inverter_display_and_restart";
  }
  return "check_inverter_breakers_and_dc_isolator";
}

/** Median plane-of-array irradiance from the site's sensor over [from, now], when there is a sensor. */
function sensorMedian(input: RuleInput, from: number): number | undefined {
  const sensor = input.site.irradianceSensor;
  if (!sensor) return undefined;
  const samples = series(
    within(readingsOf(input.readings, "weather", sensor), from, input.now),
    "irradiance_w_per_m2",
  );
  return median(samples.map((s) => s.v));
}

/** Start of the unbroken run of daylight zero readings that ends now. */
function sinceOf(all: Reading[], zeroW: number, input: RuleInput, minElevation: number): number | undefined {
  let since: number | undefined;
  for (let i = all.length - 1; i >= 0; i--) {
    const r = all[i] as Reading;
    const p = num(r, "power_w");
    if (p === undefined) continue;
    if (p > zeroW || sunElevationDeg(r.time, input.site) < minElevation) break;
    since = r.time;
  }
  return since;
}
