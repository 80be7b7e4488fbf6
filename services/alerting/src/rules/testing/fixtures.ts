/**
 * Test fixtures of the rules: a Ben Guerir site, readings built from the core clear-sky model, and a few
 * builders. Test-only (imported by *.test.ts), kept out of the rules themselves.
 */

import type { FieldValue } from "@jisr/core";
import { localDay } from "@jisr/core";
import { defaultPvArray, pvOperatingPoint } from "@jisr/core/solar";
import { defaultRulesConfig, type RulesConfig } from "../config/schema.js";
import type { Reading, RuleInput, SiteInfo } from "../types.js";

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const TZ = "Africa/Casablanca";
export const KWP = 10;
/** The healthy-plant derate of the default config (expected_derate_pct 91). */
export const DERATE = 0.91;

/** 2026-04-20 local midnight (UTC+1 in April): a spring day long after the Ramadan clock change. */
export const DAY0 = localDay("2026-04-20", TZ).from;
/** Local (UTC+1) wall time on DAY0 + `dayOffset` days. */
export const at = (hour: number, minute = 0, dayOffset = 0) =>
  DAY0 + dayOffset * DAY + (hour * 60 + minute) * MIN;

export function site(overrides: Partial<SiteInfo> = {}): SiteInfo {
  return {
    latDeg: 32.23,
    lonDeg: -7.95,
    timeZone: TZ,
    gateways: ["gw-1"],
    devices: [],
    inverters: { "inv-1": { kwp: KWP, tiltDeg: 30, azimuthDeg: 180 } },
    solarWaterHeaters: { "swh-1": {} },
    ...overrides,
  };
}

export function config(patch: (c: RulesConfig) => void = () => {}): RulesConfig {
  const c = defaultRulesConfig();
  patch(c);
  return c;
}

export function input(
  readings: Reading[],
  now: number,
  opts: { from?: number; site?: SiteInfo } = {},
): RuleInput {
  return {
    institution: "foyer-test",
    now,
    from: opts.from ?? now - 40 * DAY,
    site: opts.site ?? site(),
    readings,
  };
}

export function reading(
  measurement: string,
  device: string,
  time: number,
  fields: Record<string, FieldValue>,
  tags: Record<string, string> = {},
): Reading {
  return { measurement, tags: { institution: "foyer-test", device, ...tags }, fields, time };
}

/** One reading per `stepMs` in [from, to) from `make` (which may return none). */
export function every(
  from: number,
  to: number,
  stepMs: number,
  make: (t: number) => Reading | Reading[] | undefined,
): Reading[] {
  const out: Reading[] = [];
  for (let t = from; t < to; t += stepMs) {
    const r = make(t);
    if (r) out.push(...(Array.isArray(r) ? r : [r]));
  }
  return out;
}

const array = defaultPvArray(KWP);

/** A healthy plant's AC power at `t` under a sky factor, times `factor` (soiling, faults), W. */
export function pvPowerW(t: number, factor = 1, sky = 1): number {
  return pvOperatingPoint(t, array, { skyFactor: sky }).acW * DERATE * factor;
}

/** Plane-of-array irradiance a sensor in the array's plane reads under a sky factor, W/m². */
export function poaWm2(t: number, sky = 1): number {
  return pvOperatingPoint(t, array, { skyFactor: sky }).poaWm2;
}

/** A cloudy sky: deep, fast swings of the light (a deterministic pattern). */
export function cloudySky(t: number): number {
  return 0.35 + 0.6 * Math.abs(Math.sin(t / (17 * MIN)));
}

export interface PvDaysOptions {
  days: number;
  /** First local day (offset from DAY0). */
  firstDay?: number;
  stepMin?: number;
  /** Output factor per day index (0-based from firstDay): soiling, a failed string... */
  factor?: (day: number, t: number) => number;
  /** Sky per day index: 1 is clear. */
  sky?: (day: number, t: number) => number;
  device?: string;
  /** Also write a plane-of-array irradiance sensor ("wx-1"). */
  sensor?: boolean;
}

/** pv_inverter readings (and a weather sensor's) over whole local days, from the clear-sky model. */
export function pvDays(o: PvDaysOptions): Reading[] {
  const step = (o.stepMin ?? 5) * MIN;
  const first = o.firstDay ?? 0;
  const out: Reading[] = [];
  for (let d = 0; d < o.days; d++) {
    const from = DAY0 + (first + d) * DAY;
    out.push(
      ...every(from, from + DAY, step, (t) => {
        const sky = o.sky?.(d, t) ?? 1;
        const p = pvPowerW(t, o.factor?.(d, t) ?? 1, sky);
        const inv = reading("pv_inverter", o.device ?? "inv-1", t, {
          power_w: p,
          state: p > 0 ? "MPPT" : "SLEEPING",
        });
        return o.sensor ? [inv, reading("weather", "wx-1", t, { irradiance_w_per_m2: poaWm2(t, sky) })] : inv;
      }),
    );
  }
  return out;
}

/** The active results of a rule's output. */
export const active = <T extends { active: boolean }>(results: T[]) => results.filter((r) => r.active);
