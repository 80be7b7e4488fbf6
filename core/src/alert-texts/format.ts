/**
 * Filling the catalogue's templates: `{name}` placeholders from params, numbers in the language's format,
 * instants in local time (Africa/Casablanca by default). A missing template falls back to English, then to
 * the key itself, so a message is never empty; i18n.test.ts keeps that from happening in practice.
 */
import type { Catalogue, EvidenceValue, TextRef } from "./types.js";

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(value: number, locale: string): string {
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    numberFormats.set(locale, f);
  }
  // Three significant digits are enough for a technician; large values keep their integer part.
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
  return f.format(rounded);
}

/**
 * "12,5 kWh", "FAULT", "GROUND_FAULT, DC_ARC_FAULT"; unit "time" is an instant (epoch ms), shown in local
 * time; a unit the catalogue translates is shown translated.
 */
export function formatQuantity(q: EvidenceValue, catalogue: Catalogue, timeZone: string): string {
  if (q.unit === "time" && typeof q.value === "number") return formatInstant(q.value, catalogue, timeZone);
  const unit = catalogue.units[q.unit] ?? q.unit;
  const v = q.value;
  let number: string;
  if (typeof v === "number") number = formatNumber(v, catalogue.locale);
  else if (typeof v === "boolean") number = v ? catalogue.labels.yes : catalogue.labels.no;
  else if (Array.isArray(v)) number = v.join(", ");
  else number = v;
  if (unit === "") return number;
  return unit === "%" && catalogue.language !== "fr" ? `${number}${unit}` : `${number} ${unit}`;
}

export function fillTemplate(
  template: string,
  params: Record<string, string | number>,
  locale: string,
): string {
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value, locale) : value;
  });
}

/** The text of a summary or action reference in the catalogue's language. */
export function text(
  ref: TextRef,
  table: "summaries" | "actions",
  catalogue: Catalogue,
  fallback: Catalogue,
  /** Values that win over the rule's params (the institution's name instead of its id). */
  extra: Record<string, string | number> = {},
): string {
  const template = catalogue[table][ref.key] ?? fallback[table][ref.key] ?? ref.key;
  return fillTemplate(template, { ...ref.params, ...extra }, catalogue.locale);
}

/** The name of an evidence value in the catalogue's language (English, then the key, as fallbacks). */
export function evidenceName(key: string, catalogue: Catalogue, fallback: Catalogue): string {
  const named = catalogue.evidence[key] ?? fallback.evidence[key];
  if (named !== undefined) return named;
  for (const c of [catalogue, fallback]) {
    for (const { pattern, name } of c.evidencePatterns) {
      if (pattern.test(key)) return key.replace(pattern, name);
    }
  }
  return key;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** "29 nov. 2026, 11:42" in the zone, in the catalogue's language. */
export function formatInstant(utcMs: number, catalogue: Catalogue, timeZone: string): string {
  const key = `${catalogue.locale}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(catalogue.locale, {
      timeZone,
      dateStyle: "medium",
      timeStyle: "short",
      hourCycle: "h23",
    });
    dateFormats.set(key, f);
  }
  return f.format(utcMs);
}

/** "2 h 05 min", "3 d 4 h": how long something lasted, with the catalogue's unit words. */
export function formatSpan(ms: number, catalogue: Catalogue): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  const u = (unit: string) => catalogue.units[unit] ?? unit;
  if (d > 0) return `${d} ${u("d")} ${h} ${u("h")}`;
  if (h > 0) return `${h} ${u("h")} ${String(m).padStart(2, "0")} ${u("min")}`;
  return `${m} ${u("min")}`;
}
