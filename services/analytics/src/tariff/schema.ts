/**
 * The tariff file (`services/analytics/tariffs/*.yaml`): ONE strict zod schema, a union on `kind`.
 * Every price, fee, levy and VAT rate is effective-dated (`from`), so a price change never rewrites the
 * bills of months already past. Cross-field rules (sorted dates, brackets that do not overlap, periods
 * that cover 24 h) run after the per-field schema, in check.ts, and report by path like the schema does.
 */
import { idSchema, strictObject } from "@jisr/core";
import { z } from "zod";
import {
  basisSchema,
  bracketSchema,
  dated,
  datedList,
  labelSchema,
  periodTableSchema,
  priceSchema,
  provenance,
  timeZoneSchema,
} from "./schema-parts.js";

export const TWO_PERIODS = ["peak", "normal"] as const;
export const MT_PERIODS = ["peak", "full", "off_peak"] as const;

const vatRateSchema = dated({
  rate_pct: z.number().min(0).max(100).describe("VAT rate in percent (20 for 20 %)."),
});

const feeSchema = strictObject({
  id: idSchema.describe('Fee id, unique in its table, e.g. "meter-rental".'),
  label: labelSchema,
  amount: z.number().min(0).describe("Amount in MAD per month, in `basis`."),
  basis: basisSchema.default("ht"),
  vat_applies: z.boolean().default(true).describe("Whether VAT is charged on this fee."),
  ...provenance,
});

const feeTableSchema = dated({
  fees: z.array(feeSchema).describe("The fixed monthly fees (meter rental, meter and connection upkeep)."),
});

const tppanSchema = dated({
  exempt_up_to_kwh: z
    .number()
    .min(0)
    .default(200)
    .describe("Months of at most this many kWh pay no levy (DOMAIN.md 1.3: 200)."),
  basis: basisSchema.default("ht"),
  vat_applies: z.boolean().default(true).describe("Whether VAT is charged on the levy."),
  slices: z
    .array(bracketSchema)
    .min(1)
    .describe("Levy per kWh by progressive slice of the month's kWh (each slice's kWh pay its own rate)."),
});

const exportSchema = strictObject({
  prices: z
    .array(dated({ price: priceSchema.describe("Price paid per exported kWh, MAD (no VAT).") }))
    .default([])
    .describe("Price of exported kWh (ANRE, law 82-21). No entry in force means 0 MAD/kWh."),
  cap_pct: z
    .number()
    .min(0)
    .max(100)
    .default(20)
    .describe("Yearly cap of exported / produced kWh in percent (law 82-21: 20). kWh above it are not paid."),
  warn_at_pct: z
    .number()
    .min(0)
    .max(100)
    .default(18)
    .describe("Export share (year to date) from which the cap status is reported as near."),
  ...provenance,
})
  .prefault({})
  .describe("Exported energy: its price and the yearly cap of law 82-21.");

const common = {
  id: idSchema.describe('Tariff id, e.g. "srm-bt-domestic".'),
  name: z.string().min(1).describe("Human name of the tariff, as on the contract."),
  distributor: z.string().min(1).optional().describe('Who bills it, e.g. "SRM Marrakech-Safi".'),
  institution: idSchema.optional().describe("The institution this file bills, when it is specific to one."),
  time_zone: timeZoneSchema,
  kwh_decimals: z
    .number()
    .int()
    .min(0)
    .max(3)
    .default(0)
    .describe(
      "Decimals kept on billed kWh (each period's total) before pricing; the utility bills whole kWh.",
    ),
  vat: datedList(vatRateSchema, "VAT rates on electricity (14 % → 16 % 2024 → 18 % 2025 → 20 % 2026)"),
  fixed_fees: z
    .array(feeTableSchema)
    .default([])
    .describe("Fixed monthly fees, effective-dated; each entry lists all fees then in force. Empty: none."),
  tppan: z
    .array(tppanSchema)
    .default([])
    .describe("Audiovisual levy (TPPAN) on the bill, effective-dated. Empty: no levy."),
  export: exportSchema,
};

const bracketTableSchema = dated({
  basis: basisSchema.default("ttc"),
  progressive: z
    .array(bracketSchema)
    .min(1)
    .describe(
      "Progressive slices: while the month stays within the last slice's up_to_kwh, each slice's kWh pay " +
        "its own price (130 kWh = 100 at the first price + 30 at the second).",
    ),
  selective: z
    .array(bracketSchema)
    .default([])
    .describe(
      "Selective brackets above the progressive part: the WHOLE month is billed at the price of the " +
        "bracket its total falls in. Empty when the tariff is progressive throughout.",
    ),
});

const btDomestic = strictObject({
  kind: z.literal("bt-domestic").describe("Low voltage, domestic use: progressive then selective brackets."),
  ...common,
  energy: datedList(bracketTableSchema, "Energy prices by bracket"),
});

const btProfessional = strictObject({
  kind: z.literal("bt-professional").describe("Low voltage, professional/administrative use: own brackets."),
  ...common,
  energy: datedList(bracketTableSchema, "Energy prices by bracket"),
});

const btTwoPeriod = strictObject({
  kind: z.literal("bt-two-period").describe("Low voltage, optional two-period tariff (bi-horaire)."),
  ...common,
  periods: datedList(periodTableSchema(TWO_PERIODS), "Peak and normal hours by season"),
  energy: datedList(
    dated({
      basis: basisSchema.default("ttc"),
      prices: strictObject({ peak: priceSchema, normal: priceSchema }).describe("Price per period."),
    }),
    "Energy prices by period",
  ),
});

const mt = strictObject({
  kind: z.literal("mt").describe("Medium voltage (tarif général MT): three periods and a power charge."),
  ...common,
  periods: datedList(periodTableSchema(MT_PERIODS), "Peak, full and off-peak hours by season"),
  energy: datedList(
    dated({
      basis: basisSchema.default("ht"),
      prices: strictObject({ peak: priceSchema, full: priceSchema, off_peak: priceSchema }).describe(
        "Price per period.",
      ),
    }),
    "Energy prices by period",
  ),
  power_charge: datedList(
    dated({
      basis: basisSchema.default("ht"),
      mad_per_kva_year: z
        .number()
        .min(0)
        .describe("Yearly power charge in MAD per subscribed kVA; billed 1/12 a month."),
    }),
    "Yearly power charge (prime fixe)",
  ),
  subscribed_power: datedList(
    dated({ kva: z.number().positive("must be > 0").describe("Subscribed power in kVA.") }),
    "Subscribed power (puissance souscrite)",
  ),
});

/** Each field of a tariff file; the cross-field rules (check.ts) are added in file-schema.ts. */
export const tariffBaseSchema = z.discriminatedUnion("kind", [btDomestic, btProfessional, btTwoPeriod, mt], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? "must be one of bt-domestic, bt-professional, bt-two-period, mt"
      : undefined,
});

export type Tariff = z.output<typeof tariffBaseSchema>;
export type TariffKind = Tariff["kind"];
export type BracketTariff = Extract<Tariff, { kind: "bt-domestic" | "bt-professional" }>;
export type TwoPeriodTariff = Extract<Tariff, { kind: "bt-two-period" }>;
export type MtTariff = Extract<Tariff, { kind: "mt" }>;
export type BracketTable = BracketTariff["energy"][number];
export type Bracket = z.output<typeof bracketSchema>;
export type PeriodTable = TwoPeriodTariff["periods"][number] | MtTariff["periods"][number];
export type FeeTable = Tariff["fixed_fees"][number];
export type TppanTable = Tariff["tppan"][number];
export type Label = z.output<typeof labelSchema>;
export type Basis = z.output<typeof basisSchema>;
