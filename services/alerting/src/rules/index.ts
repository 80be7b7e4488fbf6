// The fault rules of alerting: pure functions over an institution's recent readings. See README.md.

export { RULE_CATALOG, type RuleDescription } from "./catalog.js";
export { loadRulesConfig, parseRulesConfig } from "./config/load.js";
export {
  defaultRulesConfig,
  lookbackMs,
  type RulesConfig,
  type RulesConfigInput,
  rulesConfigJsonSchema,
  rulesConfigSchema,
} from "./config/schema.js";
export { type SiteInput, siteSchema, toSiteInfo } from "./config/site-schema.js";
export { evaluateRules, RULES, type Rule } from "./evaluate.js";
export { swhBackupOnly } from "./hot-water/backup-only.js";
export { swhNoHeatGain } from "./hot-water/no-heat-gain.js";
export { swhOverheating } from "./hot-water/overheating.js";
export { swhReverseCirculation } from "./hot-water/reverse-circulation.js";
export { swhSensorFault } from "./hot-water/sensor-fault.js";
export { swhTankCold } from "./hot-water/tank-cold.js";
export { pvInputMismatch } from "./pv/input-mismatch.js";
export { inverterFault } from "./pv/inverter-fault.js";
export { pvSoiling } from "./pv/soiling.js";
export { pvUnderperformance } from "./pv/underperformance.js";
export { pvZeroProduction } from "./pv/zero-production.js";
export { gatewayBacklog } from "./site/backlog.js";
export { deviceSilent, siteSilent } from "./site/silence.js";
export * from "./types.js";
