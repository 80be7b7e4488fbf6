/**
 * Every message key the rules can emit, with its parameters: the list the fr/ar/en texts must cover.
 * Summary keys are `<rule>.<variant>` ("ok" when healthy again); action keys are shared between rules
 * ("none" for a healthy result). Every summary and action carries `institution` and `device` as well.
 * A test checks that what the rules emit stays within this catalogue.
 */
import type { RuleId, Severity } from "./types.js";

export interface RuleDescription {
  /** One line, English, for docs and logs (the delivered texts come from the message files). */
  what: string;
  variants: string[];
  actions: string[];
  /** Parameters of the active summary and action, besides institution and device. */
  params: string[];
  defaultSeverity: Severity;
}

export const RULE_CATALOG: Record<RuleId, RuleDescription> = {
  site_silent: {
    what: "A gateway stopped sending its health: the institution is dark.",
    variants: ["silent", "ok"],
    actions: ["check_site_power_and_internet"],
    params: ["silent_min"],
    defaultSeverity: "critical",
  },
  device_silent: {
    what: "A device stopped answering while its gateway still reports.",
    variants: ["silent", "ok"],
    actions: ["check_device_power_and_link"],
    params: ["silent_min"],
    defaultSeverity: "major",
  },
  gateway_backlog: {
    what: "Readings pile up in a gateway's queue, or are being dropped.",
    variants: ["growing", "stale", "dropping", "ok"],
    actions: ["check_gateway_uplink"],
    params: ["oldest_queued_age_min", "dropped_points"],
    defaultSeverity: "minor",
  },
  inverter_fault: {
    what: "An inverter reports a fault state or event/alarm bits.",
    variants: ["fault_state", "events", "ok"],
    actions: [
      "inspect_insulation_and_earthing",
      "check_grid_connection",
      "read_inverter_display_and_restart",
      "read_inverter_events",
    ],
    params: ["state", "events"],
    defaultSeverity: "critical",
  },
  pv_zero_production: {
    what: "An inverter produces nothing in daylight when the clear sky promises output.",
    variants: ["zero", "ok"],
    actions: ["read_inverter_display_and_restart", "check_inverter_breakers_and_dc_isolator"],
    params: ["state", "clear_sky_power_w"],
    defaultSeverity: "critical",
  },
  pv_underperformance: {
    what: "Output well below expected on several clear days.",
    variants: ["major", "minor", "ok"],
    actions: ["inspect_inverter_strings_and_breakers", "inspect_soiling_shading_and_strings"],
    params: ["days", "median_ratio_pct", "threshold_pct"],
    defaultSeverity: "major",
  },
  pv_input_mismatch: {
    what: "One MPPT input or string well below its siblings.",
    variants: ["failed", "degraded", "ok"],
    actions: ["check_string_fuses_and_connectors", "inspect_string_shading_and_bypass_diodes"],
    params: ["inputs", "ratio_pct"],
    defaultSeverity: "major",
  },
  pv_soiling: {
    what: "Dust is slowly eating the output: clean the modules (kWh and MAD lost estimated).",
    variants: ["soiled", "ok"],
    actions: ["clean_modules"],
    params: ["loss_pct", "lost_per_month_mad", "lost_since_cleaning_kwh"],
    defaultSeverity: "minor",
  },
  swh_no_heat_gain: {
    what: "Solar pump on but no heat reaches the tank.",
    variants: ["no_flow", "no_gain", "ok"],
    actions: ["check_solar_pump_valves_and_air"],
    params: ["pump_on_min", "collector_minus_tank_k"],
    defaultSeverity: "major",
  },
  swh_overheating: {
    what: "Collector stagnating, or the pump off while the collector is hot.",
    variants: ["stagnation", "pump_stopped", "ok"],
    actions: ["check_solar_pump_and_power", "cover_collector_or_dump_heat"],
    params: ["collector_c"],
    defaultSeverity: "major",
  },
  swh_sensor_fault: {
    what: "A temperature sensor is open, shorted, missing or stuck.",
    variants: ["out_of_range", "controller_error", "missing", "stuck", "ok"],
    actions: ["replace_or_reconnect_sensor", "check_sensor_placement_and_wiring"],
    params: ["sensors"],
    defaultSeverity: "major",
  },
  swh_reverse_circulation: {
    what: "The tank loses its heat at night through the collector loop.",
    variants: ["thermosiphon", "pump_at_night", "ok"],
    actions: ["check_check_valve", "check_controller_night_pumping"],
    params: ["cooling_k_per_h"],
    defaultSeverity: "minor",
  },
  swh_tank_cold: {
    what: "The tank is below the service temperature during a demand window.",
    variants: ["cold", "ok"],
    actions: ["check_backup_heater_and_thermostat", "check_solar_loop_and_backup"],
    params: ["temperature_c", "service_temperature_c", "demand_window"],
    defaultSeverity: "major",
  },
  swh_backup_only: {
    what: "The backup heater does the work on a sunny day.",
    variants: ["backup_only", "backup_while_collector_hot", "ok"],
    actions: ["check_solar_pump_and_collector"],
    params: ["day", "backup_on_min"],
    defaultSeverity: "major",
  },
};

/** Every action key any rule can emit, "none" included. */
export function allActionKeys(): string[] {
  return [...new Set(["none", ...Object.values(RULE_CATALOG).flatMap((r) => r.actions)])].sort();
}
