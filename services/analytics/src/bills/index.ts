/** Electricity bills: recorded, reconciled with our meters and tariff, the tariff fitted, IPMVP savings. */
export { registerBillCommands, registerTariffFit } from "./cli.js";
export { type CompareKind, compareLines, type LineDiff } from "./compare.js";
export { type CsvImport, importCsv, parseCsv } from "./csv.js";
export {
  type BillResidual,
  type Candidate,
  type CandidateFit,
  candidates,
  type FitResult,
  feeFromBills,
  fitTariff,
  formatFit,
} from "./fit.js";
export { formatInstitutionBills } from "./format.js";
export { meterPeriod, type PeriodMetering, READING_TIME_ASSUMPTION, readingBounds } from "./meter.js";
export { type PeriodBill, pricePeriod } from "./price.js";
export {
  type BillReconciliation,
  DEFAULT_TOLERANCES,
  type Flag,
  type FlagCode,
  reconcileBills,
  type Tolerances,
  tolerancesSchema,
} from "./reconcile.js";
export {
  type MvConfig,
  mvConfigSchema,
  type PeriodSavings,
  type SavingsStatement,
  savingsStatement,
} from "./savings.js";
export {
  type BillInput,
  type BillLineOnBill,
  type BillRegister,
  billedKwh,
  billedTotalKwh,
  billInputSchema,
  LINE_KINDS,
  REGISTERS,
  type StoredBill,
  storedBillSchema,
} from "./schema.js";
export {
  type InstitutionBills,
  institutionBills,
  loadTariffDir,
  type ProgrammeRow,
  programmeRow,
  SHIPPED_TARIFFS_DIR,
} from "./service.js";
export { BillStore, validateBill } from "./store.js";
