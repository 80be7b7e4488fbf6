/**
 * Building blocks of the tariff schema (schema.ts): dates, provenance, labels, brackets, time-of-use
 * periods. Every object is strict, because an unknown key in a tariff is a typo that would silently
 * change a bill.
 */
import { strictObject } from "@jisr/core";
import { z } from "zod";
import { isTimeZone } from "./local-time.js";

export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written "YYYY-MM-DD"')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "is not a calendar date")
  .describe("Date (YYYY-MM-DD, local calendar) from which this entry is in force.");

/** How sure we are of a figure; the tags of DOMAIN.md. U and C figures must be confirmed on a real bill. */
export const confidenceSchema = z
  .enum(["A", "B", "C", "D", "U"])
  .describe(
    "Reliability of the figure: A official text, B reputable press or institution, C third-party code or " +
      "forum (confirm it), D derived here, U unverified placeholder (must be confirmed on a real bill).",
  );

/** Where a figure comes from; optional on every table and value, reported by `jisr tariff check`. */
export const provenance = {
  source: z
    .string()
    .min(1)
    .optional()
    .describe("Where the figure comes from (URL, bill reference, contract)."),
  confidence: confidenceSchema.optional(),
};

export const labelSchema = strictObject({
  fr: z.string().min(1, "must not be empty").describe("Label in French, as on the bill."),
  en: z.string().min(1, "must not be empty").describe("Label in English."),
  ar: z.string().min(1, "must not be empty").optional().describe("Label in Arabic."),
}).describe("A user-visible label in French and English (Arabic welcome).");

/** Whether a figure includes VAT. See README "Prices: TTC or HT" for why both are accepted. */
export const basisSchema = z
  .enum(["ttc", "ht"])
  .describe(
    'Whether the prices of this table include VAT ("ttc", VAT split out for display) or not ("ht", VAT ' +
      "added). Write them as the source gives them; BT energy prices are stable TTC.",
  );

const price = z.number().min(0, "must be ≥ 0").refine(Number.isFinite, "must be a finite number");

export const priceSchema = price.describe("Price in MAD per kWh, in the table's basis (TTC or HT).");

/** A bracket (or slice) of monthly kWh: (previous up_to_kwh, up_to_kwh]; the last has no upper edge. */
export const bracketSchema = strictObject({
  up_to_kwh: z
    .number()
    .positive("must be > 0")
    .optional()
    .describe(
      "Upper edge in kWh, included (a month of exactly this many kWh is in this bracket). Omit on the last.",
    ),
  price: priceSchema,
  ...provenance,
});

/** An effective-dated entry: `from` plus provenance plus the entry's own fields. */
export function dated<T extends z.ZodRawShape>(shape: T) {
  return strictObject({ from: dateSchema, ...provenance, ...shape });
}

/** A list of effective-dated entries, sorted by `from`; the entry in force on a month's 1st applies. */
export function datedList<T extends z.ZodType>(entry: T, what: string) {
  return z
    .array(entry)
    .min(1, "must have at least one entry")
    .describe(
      `${what}. Entries are sorted by \`from\`; a month is billed with the entry in force on its 1st day.`,
    );
}

export const timeOfDaySchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time of day "HH:MM" (00:00 to 24:00)');

/** Time-of-use periods (two-period BT, MT), by season, on the GMT or the legal clock. */
export function periodTableSchema<P extends readonly [string, ...string[]]>(periods: P) {
  const window = strictObject({
    period: z.enum(periods).describe(`Period: ${periods.join(", ")}.`),
    start: timeOfDaySchema.describe("Start of the window, included (HH:MM on the table's clock)."),
    end: timeOfDaySchema.describe(
      "End of the window, excluded (HH:MM; 24:00 for midnight). An end before the start wraps past midnight.",
    ),
  });
  const season = strictObject({
    name: z.string().min(1).describe('Season name, e.g. "winter".'),
    months: z
      .array(z.number().int().min(1).max(12))
      .min(1)
      .describe("Months of the season (1-12, local calendar); the seasons together cover each month once."),
    windows: z.array(window).min(1).describe("Windows of the day; together they cover 24 h exactly once."),
  });
  return dated({
    clock: z
      .enum(["gmt", "legal"])
      .default("gmt")
      .describe(
        '"gmt": windows are written in GMT and shift with the legal time (+1 h while Morocco is on ' +
          'GMT+1, none during Ramadan), as the MT tariff text says. "legal": windows are wall-clock ' +
          "hours in the tariff's time zone.",
      ),
    seasons: z.array(season).min(1).describe("Seasons of the year with their daily windows."),
  });
}

export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, "is not an IANA time zone known to this Node (e.g. Africa/Casablanca)")
  .default("Africa/Casablanca")
  .describe("IANA time zone of the legal time: billing months and legal-clock windows are read in it.");
