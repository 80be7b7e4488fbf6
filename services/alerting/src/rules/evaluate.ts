/** All the rules, in one call: what the alert engine runs at every evaluation of an institution. */
import type { RulesConfig } from "./config/schema.js";
import { swhBackupOnly } from "./hot-water/backup-only.js";
import { swhNoHeatGain } from "./hot-water/no-heat-gain.js";
import { swhOverheating } from "./hot-water/overheating.js";
import { swhReverseCirculation } from "./hot-water/reverse-circulation.js";
import { swhSensorFault } from "./hot-water/sensor-fault.js";
import { swhTankCold } from "./hot-water/tank-cold.js";
import { pvInputMismatch } from "./pv/input-mismatch.js";
import { inverterFault } from "./pv/inverter-fault.js";
import { pvSoiling } from "./pv/soiling.js";
import { pvUnderperformance } from "./pv/underperformance.js";
import { pvZeroProduction } from "./pv/zero-production.js";
import { gatewayBacklog } from "./site/backlog.js";
import { deviceSilent, siteSilent } from "./site/silence.js";
import type { RuleId, RuleInput, RuleResult } from "./types.js";

export type Rule = (input: RuleInput, config: RulesConfig) => RuleResult[];

/** Every rule by id; each checks its own `enabled`. */
export const RULES: Record<RuleId, Rule> = {
  site_silent: siteSilent,
  device_silent: deviceSilent,
  gateway_backlog: gatewayBacklog,
  inverter_fault: inverterFault,
  pv_zero_production: pvZeroProduction,
  pv_underperformance: pvUnderperformance,
  pv_input_mismatch: pvInputMismatch,
  pv_soiling: pvSoiling,
  swh_no_heat_gain: swhNoHeatGain,
  swh_overheating: swhOverheating,
  swh_sensor_fault: swhSensorFault,
  swh_reverse_circulation: swhReverseCirculation,
  swh_tank_cold: swhTankCold,
  swh_backup_only: swhBackupOnly,
};

/**
 * Runs every enabled rule over one institution's readings. Pure: the same input gives the same results.
 * At most one result per (rule, device); a rule with no verdict for a device returns none for it.
 */
export function evaluateRules(input: RuleInput, config: RulesConfig): RuleResult[] {
  return Object.values(RULES).flatMap((rule) => rule(input, config));
}
