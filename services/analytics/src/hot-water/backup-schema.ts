/**
 * The backup heater of a solar water heater, and the prices of its energy. Electric backup is priced by the
 * savings job through the bill counterfactual (tariffs are not here); butane is priced per bottle, with the
 * state subsidy kept apart. Each default figure says its source and reliability in its description, with
 * the tags explained in settings-schema.ts.
 */

import { strictObject } from "@jisr/core";
import { z } from "zod";
import { counterLimitsSchema } from "./counter-schema.js";

const efficiency = z.number().gt(0, "must be above 0").max(1, "must be at most 1");
const mad = z.number().min(0, "must not be negative").max(10_000, "must be at most 10 000 MAD");

const electricSchema = strictObject({
  kind: z.literal("electric"),
  method: z
    .enum(["auto", "metered", "rated"])
    .default("auto")
    .describe(
      "metered: the `backup_energy_wh` counter; rated: rated power × heater-on time; auto: metered if present.",
    ),
  ratedPowerW: z
    .number()
    .positive("must be positive")
    .max(100_000, "must be at most 100 000 W")
    .optional()
    .describe("Element rating, W, from its plate (needed when the heater has no meter)."),
  counter: counterLimitsSchema(30_000, "the backup heater")
    .prefault({})
    .describe("Limits of the backup meter's counter (`backup_energy_wh`)."),
  efficiency: efficiency
    .default(1)
    .describe(
      "Heat into the water per kWh of electricity (D: a resistance element turns all of it into heat).",
    ),
}).refine((b) => b.method !== "rated" || b.ratedPowerW !== undefined, {
  message: 'is required when method is "rated"',
  path: ["ratedPowerW"],
});

const bottlePriceSchema = strictObject({
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
    .describe("First local day this price applies; it holds until the next entry's date."),
  retailMad: mad.describe("Price the institution pays for one bottle (the subsidised retail price), MAD."),
  subsidyMad: mad
    .optional()
    .describe(
      "State subsidy per bottle, MAD; omitted when not known (the subsidy avoided is then not reported).",
    ),
});

/** Retail prices of the 12 kg bottle (B: 40 MAD until 19 May 2024, 50 MAD from 20 May 2024; subsidy ≈ 62 MAD, 2024 average, B). */
export const DEFAULT_BUTANE_PRICES = [
  { from: "2000-01-01", retailMad: 40 },
  { from: "2024-05-20", retailMad: 50, subsidyMad: 62 },
];

const butaneSchema = strictObject({
  kind: z.literal("butane"),
  burnerPowerKw: z
    .number({
      error: (i) => (i.input === undefined ? "is required (from the heater's plate)" : "must be a number"),
    })
    .positive("must be positive")
    .max(200, "must be at most 200 kW")
    .describe(
      "Burner's useful heat output, kW, from the plate. No default: it differs from heater to heater.",
    ),
  efficiency: efficiency
    .default(0.8)
    .describe(
      "Useful heat per unit of gas energy (U: about 0.8 for a gas water heater; confirm with the datasheet).",
    ),
  kgPerKwh: z
    .number()
    .positive("must be positive")
    .max(1, "must be at most 1 kg/kWh")
    .default(1 / 12.7)
    .describe("kg of butane per kWh of gas energy (U: LHV ≈ 12.7 kWh/kg, i.e. ≈ 0.0787 kg/kWh)."),
  bottleKg: z.number().positive("must be positive").default(12).describe("Butane in one bottle, kg."),
  prices: z
    .array(bottlePriceSchema)
    .min(1, "must have at least one price")
    .default(DEFAULT_BUTANE_PRICES)
    .describe("Bottle prices, effective-dated (past days keep the price in force then)."),
}).superRefine((b, ctx) => {
  for (let i = 1; i < b.prices.length; i++) {
    const [prev, cur] = [b.prices[i - 1], b.prices[i]];
    if (prev && cur && cur.from <= prev.from) {
      ctx.addIssue({
        code: "custom",
        path: ["prices", i, "from"],
        message: "must be after the previous entry's date",
      });
    }
  }
});

export const backupSchema = z.discriminatedUnion("kind", [electricSchema, butaneSchema]);

export type BackupSettings = z.output<typeof backupSchema>;
export type ElectricBackup = z.output<typeof electricSchema>;
export type ButaneBackup = z.output<typeof butaneSchema>;
export type BottlePrice = z.output<typeof bottlePriceSchema>;

/** The bottle price in force on a local day "YYYY-MM-DD", or undefined before the first entry. */
export function bottlePriceOn(prices: readonly BottlePrice[], day: string): BottlePrice | undefined {
  let found: BottlePrice | undefined;
  for (const p of prices) if (p.from <= day) found = p;
  return found;
}
