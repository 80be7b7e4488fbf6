/** Tariffs as data, bills as pure functions. See README.md in this folder. */
export { bill } from "./bill.js";
export { billingDate, inForce } from "./effective.js";
export { tariffJsonSchema, tariffSchema } from "./file-schema.js";
export {
  checkTariffFile,
  checkTariffText,
  firstBillableMonth,
  loadTariff,
  parseTariff,
  type TariffCheck,
  type TariffProblem,
} from "./load.js";
export { localParts, monthBounds } from "./local-time.js";
export { periodAt } from "./periods.js";
export {
  type ExportCap,
  type JointSavings,
  jointSavings,
  type MeteredHours,
  type Savings,
  savings,
  type YearBefore,
} from "./savings.js";
export {
  type Bracket,
  type BracketTable,
  type BracketTariff,
  MT_PERIODS,
  type MtTariff,
  type PeriodTable,
  type Tariff,
  type TariffKind,
  TWO_PERIODS,
  type TwoPeriodTariff,
} from "./schema.js";
export type { Bill, BillLine, HourlyKwh, LineKind } from "./types.js";
