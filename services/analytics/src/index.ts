/**
 * @jisr/analytics: what the sun saves and whether residents have hot water. The job (runAnalytics, the
 * scheduler), the institutions file, energy from lifetime counters, downsampling set-up, and the `jisr`
 * commands. Tariffs and hot water are exported as namespaces (their helpers share some names).
 */
export * as bills from "./bills/index.js";
export { type AnalyticsCliOptions, registerAnalyticsCommands } from "./cli.js";
export {
  institutionsFromInventory,
  loadInstitutionsFrom,
  loadInstitutionsFromInventory,
} from "./config/from-inventory.js";
export {
  DEFAULT_INSTITUTIONS_FILE,
  type Institution,
  type InstitutionsConfig,
  loadInstitutions,
  parseInstitutions,
} from "./config/load.js";
export { institutionsFileSchema, institutionsJsonSchema } from "./config/schema.js";
export { backfillDownsampling } from "./downsampling/backfill.js";
export {
  DEFAULT_DOWNSAMPLING,
  type DownsamplingConfig,
  loadDownsampling,
  parseDownsampling,
} from "./downsampling/config.js";
export { type DownsamplingSetup, setupDownsampling } from "./downsampling/setup.js";
export {
  type CounterEvent,
  type CounterOptions,
  type CounterReading,
  type CounterResult,
  counterIncrements,
  type Increment,
  plausibleWh,
  spreadIntoBins,
} from "./energy/counter.js";
export { completeness, type HourlyEnergy, hourlyEnergy } from "./energy/hourly.js";
export * as hotWater from "./hot-water/index.js";
export { computeMonth } from "./jobs/month.js";
export { MEASUREMENTS } from "./jobs/points.js";
export { type RunAnalyticsOptions, type RunReport, runAnalytics } from "./jobs/run.js";
export { formatSavingsReport, type SavingsReport, savingsReport } from "./jobs/savings-report.js";
export {
  type AnalyticsScheduler,
  type AnalyticsSchedulerOptions,
  startAnalyticsScheduler,
} from "./jobs/scheduler.js";
export * as tariff from "./tariff/index.js";
