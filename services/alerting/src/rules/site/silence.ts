/**
 * Silence: a gateway that stopped sending its health (the whole institution is dark), and a device that
 * stopped answering while its gateway still reports. A silent site hides its devices: while every gateway
 * of the institution is silent, devices are not judged (one alert, not forty).
 *
 * Inverters that switch their Modbus off at night are only counted silent for the daylight minutes
 * (sun above awake_elevation_deg) since their last reading, so dusk does not raise an alert.
 */
import type { RulesConfig } from "../config/schema.js";
import { bool, byDevice, num } from "../lib/readings.js";
import { ev, makeResult, okResult } from "../lib/result.js";
import { sunElevationDeg } from "../lib/solar.js";
import type { Evidence, Reading, RuleInput, RuleResult } from "../types.js";

const HEALTH = new Set(["gateway_health", "device_health"]);
const STEP_MS = 5 * 60_000;

export function siteSilent(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.site_silent;
  if (!c.enabled) return [];
  const health = byDevice(input.readings, "gateway_health");
  const ids = new Set([...input.site.gateways, ...health.keys()]);
  const out: RuleResult[] = [];
  for (const id of [...ids].sort()) {
    const last = health.get(id)?.at(-1)?.time;
    const silentMs = input.now - (last ?? input.from);
    // Never seen in a window shorter than the threshold: too early to tell.
    if (last === undefined && silentMs < c.after_min * 60_000) continue;
    const evidence = silenceEvidence(last, silentMs);
    if (silentMs <= c.after_min * 60_000) {
      out.push(okResult(input, "site_silent", id, c.severity, evidence));
      continue;
    }
    out.push(
      makeResult(input, "site_silent", {
        device: id,
        severity: c.severity,
        active: true,
        variant: "silent",
        evidence,
        action: "check_site_power_and_internet",
        params: { silent_min: Math.round(silentMs / 60_000) },
        ...(last !== undefined && { since: last }),
      }),
    );
  }
  return out;
}

export function deviceSilent(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.device_silent;
  if (!c.enabled || allGatewaysSilent(input, config)) return [];
  const { lastData, lastHealth } = lastReadings(input.readings);
  const inverters = new Set([
    ...Object.keys(input.site.inverters),
    ...byDevice(input.readings, "pv_inverter").keys(),
  ]);
  const out: RuleResult[] = [];
  for (const id of expectedDevices(input, lastData, lastHealth)) {
    const last = lastData.get(id);
    const start = last ?? input.from;
    const sleeps = c.inverters_sleep_at_night && inverters.has(id);
    const silentMs = sleeps ? daylightMs(input, start, c.awake_elevation_deg) : input.now - start;
    if (last === undefined && input.now - input.from < c.after_min * 60_000) continue;
    const evidence = { ...silenceEvidence(last, silentMs), ...healthEvidence(lastHealth.get(id)) };
    if (silentMs <= c.after_min * 60_000) {
      out.push(okResult(input, "device_silent", id, c.severity, evidence));
      continue;
    }
    out.push(
      makeResult(input, "device_silent", {
        device: id,
        severity: c.severity,
        active: true,
        variant: "silent",
        evidence,
        action: "check_device_power_and_link",
        params: { silent_min: Math.round(silentMs / 60_000) },
        ...(last !== undefined && { since: last }),
      }),
    );
  }
  return out;
}

/** True when the site declares or shows gateways and none of them has reported recently. */
function allGatewaysSilent(input: RuleInput, config: RulesConfig): boolean {
  const results = siteSilent(input, { ...config, site_silent: { ...config.site_silent, enabled: true } });
  return results.length > 0 && results.every((r) => r.active);
}

function lastReadings(readings: readonly Reading[]) {
  const lastData = new Map<string, number>();
  const lastHealth = new Map<string, Reading>();
  for (const r of readings) {
    const id = r.tags.device;
    if (id === undefined || r.measurement === "gateway_health") continue;
    if (r.measurement === "device_health") {
      if ((lastHealth.get(id)?.time ?? -Infinity) < r.time) lastHealth.set(id, r);
    } else if (!HEALTH.has(r.measurement) && (lastData.get(id) ?? -Infinity) < r.time) {
      lastData.set(id, r.time);
    }
  }
  return { lastData, lastHealth };
}

function expectedDevices(input: RuleInput, lastData: Map<string, number>, lastHealth: Map<string, Reading>) {
  const s = input.site;
  const heatMeters = Object.values(s.solarWaterHeaters).flatMap((h) => (h.heatMeter ? [h.heatMeter] : []));
  return [
    ...new Set([
      ...s.devices,
      ...Object.keys(s.inverters),
      ...Object.keys(s.solarWaterHeaters),
      ...heatMeters,
      ...(s.irradianceSensor ? [s.irradianceSensor] : []),
      ...lastData.keys(),
      ...lastHealth.keys(),
    ]),
  ].sort();
}

/** Milliseconds of [from, now] with the sun above `elevationDeg`, in 5-minute steps. */
function daylightMs(input: RuleInput, from: number, elevationDeg: number): number {
  let ms = 0;
  for (let t = from; t < input.now; t += STEP_MS) {
    const step = Math.min(STEP_MS, input.now - t);
    if (sunElevationDeg(t + step / 2, input.site) >= elevationDeg) ms += step;
  }
  return ms;
}

function silenceEvidence(last: number | undefined, silentMs: number): Record<string, Evidence> {
  return {
    ...(last !== undefined && { last_seen: ev(last, "time", 0) }),
    silent_min: ev(silentMs / 60_000, "min", 0),
    seen_in_window: ev(last !== undefined),
  };
}

function healthEvidence(h: Reading | undefined): Record<string, Evidence> {
  if (!h) return {};
  const out: Record<string, Evidence> = {};
  const online = bool(h, "online");
  if (online !== undefined) out.online = ev(online);
  const error = h.fields.last_error;
  if (typeof error === "string" && error !== "") out.last_error = ev(error);
  const errors = num(h, "errors_total");
  if (errors !== undefined) out.errors_total = ev(errors, "", 0);
  const age = num(h, "last_success_age_s");
  if (age !== undefined) out.last_success_age_min = ev(age / 60, "min", 0);
  return out;
}
