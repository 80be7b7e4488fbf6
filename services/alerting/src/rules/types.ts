/**
 * The contract between the fault rules and the alert engine. A rule is a pure function
 * `(input: RuleInput, config) => RuleResult[]`: no I/O, no clock (time is `input.now`), so the same
 * readings always give the same results (STYLE.md habit 7).
 *
 * What a rule returns, per subject (one per rule and device: the lifecycle's fingerprint):
 * - `active: true`: the fault is there now, with its evidence;
 * - `active: false`: the rule could judge the subject and found it healthy (the engine resolves the alert);
 * - nothing: the rule could not judge it (no data, night, a cloudy week). The engine keeps the alert's
 *   state as it was: missing data never resolves an alert, and never raises one (the silence rule does).
 */
import type { Point } from "@jisr/core";

export type Severity = "critical" | "major" | "minor" | "info";

/** A stored reading, as the gateway writes it (README "Data model"): measurement, tags, fields, UTC ms. */
export type Reading = Point;

/** One PV inverter of the site, for the clear-sky model and the sibling comparison. */
export interface InverterInfo {
  /** DC nameplate of the array behind this inverter, kWp. */
  kwp: number;
  /** Tilt of the modules from horizontal, degrees. */
  tiltDeg: number;
  /** Azimuth the modules face, clockwise from north (180 = south). */
  azimuthDeg: number;
  /** AC rating, W; above it the inverter clips. Defaults to kWp × 1000 / 1.1. */
  acRatingW?: number;
  /**
   * The inputs (`pv_mppt` tag `mppt`, `pv_string` tag `string`) that carry modules, with their kWp, so
   * unequal inputs compare fairly and an unused input is not a "failed" one. Omitted: every input seen,
   * assumed equal.
   */
  inputs?: Record<string, number>;
}

export interface SolarWaterHeaterInfo {
  /** Device id of its heat meter (`heat_meter.energy_wh`), when the heat is metered by a separate device. */
  heatMeter?: string;
}

/** What the rules need to know about one institution. */
export interface SiteInfo {
  latDeg: number;
  lonDeg: number;
  /** IANA zone of local days and demand windows, e.g. "Africa/Casablanca". */
  timeZone: string;
  /** Gateway ids (the `device` tag of `gateway_health`) expected to report. */
  gateways: string[];
  /** Other devices expected to report, beyond the inverters and water heaters below. */
  devices: string[];
  inverters: Record<string, InverterInfo>;
  solarWaterHeaters: Record<string, SolarWaterHeaterInfo>;
  /** Device whose `weather.irradiance_w_per_m2` is in the plane of the PV array; none: clear-sky only. */
  irradianceSensor?: string;
}

export interface RuleInput {
  institution: string;
  /** The instant of evaluation, epoch ms UTC. */
  now: number;
  /** Start of the readings window, epoch ms UTC (`lookbackMs(config)` before `now` covers every rule). */
  from: number;
  site: SiteInfo;
  /** The institution's readings in [from, now], any order, any measurement. */
  readings: readonly Reading[];
}

/** One number (or name) behind a finding, with its unit ("" for names and counts). */
export interface Evidence {
  value: number | string | boolean | string[];
  unit: string;
}

/** A message key and its parameters; the texts (fr, ar, en) live with the delivery code. */
export interface MessageRef {
  key: string;
  params: Record<string, string | number>;
}

export interface RuleResult {
  rule: RuleId;
  institution: string;
  device: string;
  severity: Severity;
  active: boolean;
  /** When the condition started, as far as the readings show (epoch ms), when the rule can tell. */
  since?: number;
  evidence: Record<string, Evidence>;
  /** What is wrong (or, when inactive, that it is fine): key `<rule>.<variant>`. */
  summary: MessageRef;
  /** What the technician should do or bring. */
  action: MessageRef;
}

export const RULE_IDS = [
  "site_silent",
  "device_silent",
  "gateway_backlog",
  "inverter_fault",
  "pv_zero_production",
  "pv_underperformance",
  "pv_input_mismatch",
  "pv_soiling",
  "swh_no_heat_gain",
  "swh_overheating",
  "swh_sensor_fault",
  "swh_reverse_circulation",
  "swh_tank_cold",
  "swh_backup_only",
] as const;

export type RuleId = (typeof RULE_IDS)[number];
