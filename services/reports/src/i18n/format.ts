/**
 * Numbers, periods and dates as a reader of each language expects them (Intl, Western digits), dates in
 * the institutions' zone. Renderers that need plain numbers (CSV) use `plainNumber`.
 */
import { parseMonth } from "@jisr/core";
import type { InstitutionName } from "../model/types.js";
import type { ReportPeriod } from "../period.js";
import { formatFixed } from "./numbers.js";
import type { Catalogue, Lang } from "./types.js";

/**
 * "12.345,68" (fr), "12,345.68" (en): grouped, with exactly `decimals` decimals; the one formatter the
 * web page shares (numbers.ts).
 */
export function formatNumber(value: number, decimals: number, c: Catalogue): string {
  return formatFixed(value, decimals, c.locale);
}

const percentFormats = new Map<string, Intl.NumberFormat>();

/** 87.5 → "87,5 %" (fr), "87.5%" (en); in Arabic with the marks Intl adds to keep the sign by its number. */
export function formatPercent(value: number, decimals: number, c: Catalogue): string {
  const key = `${c.locale}/${decimals}`;
  let f = percentFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(c.locale, {
      style: "percent",
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    percentFormats.set(key, f);
  }
  return f.format(value / 100);
}

/** "12345,68" (fr, ar) or "12345.68" (en): no grouping, so a spreadsheet reads it as a number. */
export function plainNumber(value: number, decimals: number, c: Catalogue): string {
  const text = value.toFixed(decimals);
  return c.decimal === "," ? text.replace(".", ",") : text;
}

/** "octobre 2026", "4e trimestre 2026", "année 2026". */
export function periodLabel(period: ReportPeriod, c: Catalogue): string {
  if (period.kind === "month") return monthLabel(period.label, c);
  if (period.kind === "quarter") return c.quarter(period.index as number, period.year);
  return c.year(period.year);
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** "octobre 2026" for "2026-10". */
export function monthLabel(month: string, c: Catalogue): string {
  const [y, m] = parseMonth(month);
  let f = monthFormats.get(c.locale);
  if (!f) {
    f = new Intl.DateTimeFormat(c.locale, { month: "long", year: "numeric", timeZone: "UTC" });
    monthFormats.set(c.locale, f);
  }
  // Noon UTC on the 1st is the 1st in the formatter's zone (UTC): the month cannot shift.
  return f.format(Date.UTC(y, m - 1, 1, 12));
}

/** "29 novembre 2026 à 10:42" in `timeZone`. */
export function formatDateTime(ms: number, c: Catalogue, timeZone: string): string {
  return new Intl.DateTimeFormat(c.locale, { dateStyle: "long", timeStyle: "short", timeZone }).format(ms);
}

/** The name in the report's language (English falls back on French, as the institutions file allows). */
export function institutionName(name: InstitutionName, lang: Lang): string {
  return lang === "en" ? (name.en ?? name.fr) : name[lang];
}
