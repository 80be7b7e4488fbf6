/** The shapes going into and out of `bill` and `savings`. Amounts are MAD with two decimals. */
import type { Basis, Label, TariffKind } from "./schema.js";

/** Energy over one interval (normally one hour) starting at `start`. */
export interface HourlyKwh {
  /** UTC instant (epoch ms) at the start of the interval. */
  start: number;
  /** Energy in kWh over the interval, ≥ 0. */
  kwh: number;
}

export type LineKind = "energy" | "fixed_fee" | "levy" | "power";

/** One line of a bill. `unitPrice` is in the line's `basis`; amounts are rounded per line. */
export interface BillLine {
  /** Stable id, e.g. "energy.progressive.1", "energy.peak", "fee.meter-rental", "tppan.2", "power". */
  id: string;
  kind: LineKind;
  label: Label;
  quantity: number;
  unit: "kWh" | "month" | "kVA";
  /** MAD per unit, in `basis`; for the power charge, the yearly charge / 12 shown to 4 decimals. */
  unitPrice: number;
  basis: Basis;
  vatPct: number;
  ht: number;
  vat: number;
  ttc: number;
}

export interface Bill {
  tariffId: string;
  kind: TariffKind;
  /** Billing month, "YYYY-MM" in the tariff's time zone. */
  month: string;
  /** The month's bounds as UTC instants (ISO): local midnight of the 1st to that of the next month. */
  startUtc: string;
  endUtc: string;
  /** Billed kWh (after `kwh_decimals` rounding): the month's total, and per period for time-of-use. */
  kwh: { total: number; byPeriod?: Record<string, number> };
  vatPct: number;
  lines: BillLine[];
  total: { ht: number; vat: number; ttc: number };
  /** The `from` date of each table used: which prices billed this month. */
  inForce: Record<string, string>;
}
