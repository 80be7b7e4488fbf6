/**
 * @jisr/reports: the ministry's savings reports. `buildReport` reads the analytics job's monthly results
 * into a typed report (one institution or the programme, a month, quarter or year); `renderReport` writes
 * it as CSV, XLSX or PDF in French, Arabic or English; `registerReportCommands` adds `jisr report`.
 */
export { type ReportCliOptions, registerReportCommands } from "./cli.js";
export { ERR as REPORT_ERRORS, ReportError } from "./errors.js";
export { CATALOGUES } from "./i18n/index.js";
export {
  type Column,
  type FormatOptions,
  formatColumn,
  formatFixed,
  formatQuantity,
  type Quantity,
} from "./i18n/numbers.js";
export { LANGUAGES, type Lang } from "./i18n/types.js";
export { type AlertHistory, type AlertRecord, alertFigures } from "./model/alerts.js";
export {
  type BuildReportOptions,
  buildReport,
  DEFAULT_COMPLETENESS_THRESHOLD,
  type ReportInstitution,
  type ReportInstitutions,
} from "./model/build.js";
export type * from "./model/types.js";
export { isPeriod, type PeriodKind, parsePeriod, type ReportPeriod } from "./period.js";
export {
  CONTENT_TYPES,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
  reportFileName,
} from "./render/index.js";
