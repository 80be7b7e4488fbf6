/**
 * Report periods: a local month ("2026-10"), quarter ("2026-Q4") or year ("2026"), as the local months
 * they hold and the UTC instants of their first and last local midnights (Africa/Casablanca by default).
 */
import { addMonths, localMonth } from "@jisr/core";
import { ERR } from "./errors.js";

export type PeriodKind = "month" | "quarter" | "year";

export interface ReportPeriod {
  kind: PeriodKind;
  /** As given: "2026-10", "2026-Q4" or "2026". */
  label: string;
  year: number;
  /** 1-12 for a month, 1-4 for a quarter; absent for a year. */
  index?: number;
  /** The local months of the period, in order ("2026-10", …). */
  months: string[];
  /** UTC instant of local midnight on the first day (inclusive). */
  from: number;
  /** UTC instant of local midnight after the last day (exclusive). */
  to: number;
  timeZone: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;

/** True when `text` is a period this module understands. */
export function isPeriod(text: string): boolean {
  return MONTH.test(text) || QUARTER.test(text) || YEAR.test(text);
}

/** "2026-10", "2026-Q4" or "2026" → the period; throws JISR_ERR_INVALID_PERIOD naming the text otherwise. */
export function parsePeriod(text: string, timeZone: string): ReportPeriod {
  const month = MONTH.exec(text);
  if (month) return build("month", text, Number(month[1]), Number(month[2]), [text], timeZone);
  const quarter = QUARTER.exec(text);
  if (quarter) {
    const [year, q] = [Number(quarter[1]), Number(quarter[2])];
    const first = `${year}-${String(q * 3 - 2).padStart(2, "0")}`;
    return build("quarter", text, year, q, monthsFrom(first, 3), timeZone);
  }
  const year = YEAR.exec(text);
  if (year) return build("year", text, Number(year[1]), undefined, monthsFrom(`${text}-01`, 12), timeZone);
  throw ERR.INVALID_PERIOD(text);
}

function monthsFrom(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(first, i));
}

function build(
  kind: PeriodKind,
  label: string,
  year: number,
  index: number | undefined,
  months: string[],
  timeZone: string,
): ReportPeriod {
  const first = localMonth(months[0] as string, timeZone);
  const last = localMonth(months.at(-1) as string, timeZone);
  return {
    kind,
    label,
    year,
    ...(index !== undefined ? { index } : {}),
    months,
    from: first.from,
    to: last.to,
    timeZone,
  };
}
