/**
 * Hot-water settings of one institution: ONE strict zod schema. Every object is strict (an unknown key is a
 * typo), every field is described and has a default, except the facts that only the installation can give
 * (a butane burner's rating). Default figures come from published sources (standards, utilities' and
 * suppliers' documents), each with a reliability tag: A official/standard, B reputable, C third party, D derived here, U unconfirmed. U figures are defaults
 * only until a bill, the contract or a datasheet confirms them.
 * Cross-field rules (windows that overlap, price dates out of order) are checked after the fields.
 */
import { problemsOf, strictObject, ValidationError } from "@jisr/core";
import { z } from "zod";
import { backupSchema } from "./backup-schema.js";
import { counterLimitsSchema } from "./counter-schema.js";
import { TANK_TEMPERATURE_FIELDS } from "./types.js";

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const hhmm = z.string().regex(HHMM, 'must be a local time "HH:MM" (00:00 to 24:00)');

/** "HH:MM" → minutes after local midnight. */
export function minuteOfDay(hhmmText: string): number {
  const [h, m] = hhmmText.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const windowSchema = strictObject({
  start: hhmm.describe('Local legal time the window opens, e.g. "06:00".'),
  end: hhmm.describe('Local legal time it closes (excluded), e.g. "09:00"; "24:00" for midnight.'),
}).refine((w) => minuteOfDay(w.start) < minuteOfDay(w.end), {
  message: "must end after it starts (a window cannot cross midnight: split it in two)",
  path: ["end"],
});

const temperature = (min: number, max: number) =>
  z.number().min(min, `must be at least ${min} °C`).max(max, `must be at most ${max} °C`);
const positiveMinutes = (max: number) =>
  z
    .number()
    .int("must be whole minutes")
    .min(1, "must be at least 1 minute")
    .max(max, `must be at most ${max}`);

const exposureSchema = strictObject({
  temperatureC: temperature(50, 95).describe("Tank temperature to hold, °C."),
  minutes: positiveMinutes(24 * 60).describe("For at least this many consecutive minutes within the day."),
});

const hygieneSchema = strictObject({
  field: z
    .enum(TANK_TEMPERATURE_FIELDS)
    .optional()
    .describe("Tank temperature the Legionella check reads; by default the availability outlet field."),
  allDayMinC: temperature(40, 80)
    .default(55)
    .describe("Pass if the tank stays at or above this all day (French arrêté of 30 Nov 2005, A/B)."),
  exposures: z
    .array(exposureSchema)
    .default([
      { temperatureC: 60, minutes: 60 },
      { temperatureC: 65, minutes: 4 },
      { temperatureC: 70, minutes: 2 },
    ])
    .describe(
      "Or pass if any of these is held once in the day (same arrêté: 60 °C 60 min, 65 °C 4, 70 °C 2).",
    ),
});

const scaldSchema = strictObject({
  thresholdC: temperature(35, 60)
    .default(44)
    .describe(
      "Scald risk where the mixed outlet is ABOVE this (HSG220 care homes 44 °C, B; 43 °C for frail residents).",
    ),
});

// A solar field of ~140 m² of collectors peaks near 100 kW (≈ 0.7 kW/m²): beyond that a counter rise is a glitch.
const counterSchema = counterLimitsSchema(100_000, "the solar loop");

const co2Schema = strictObject({
  gridKgPerKwh: z
    .number()
    .min(0, "must not be negative")
    .max(2, "must be at most 2 kg/kWh")
    .default(0.7)
    .describe(
      "Grid emission factor, kg CO2 per kWh (U: not in DOMAIN.md; confirm from ONEE/AMEE before reporting).",
    ),
  butaneKgPerKg: z
    .number()
    .min(0, "must not be negative")
    .max(5, "must be at most 5")
    .default(3.03)
    .describe("kg CO2 per kg of butane burnt (D: C4H10 + 6.5 O2 → 4 CO2, 4 × 44.01 / 58.12 = 3.03)."),
});

export const hotWaterSettingsSchema = strictObject({
  demandWindows: z
    .array(windowSchema)
    .min(1, "must have at least one window")
    .default([
      { start: "06:00", end: "09:00" },
      { start: "18:00", end: "22:00" },
    ])
    .describe(
      "When residents need hot water, local legal time (DOMAIN.md §3.1, D; configurable per institution).",
    ),
  serviceTemperatureC: temperature(30, 70)
    .default(45)
    .describe(
      "Hot water is available when the outlet is at or above this (45 °C gives 41-43 °C after the mixer; 50 °C with a recirculation loop).",
    ),
  outletField: z
    .enum(TANK_TEMPERATURE_FIELDS)
    .default("outlet_temperature_c")
    .describe(
      "Which `hot_water` field is the tank outlet: `outlet_temperature_c`, or `tank_top_temperature_c` where no outlet sensor exists.",
    ),
  sampleHoldMinutes: positiveMinutes(180)
    .default(5)
    .describe(
      "A reading holds for at most this many minutes; beyond, the minutes are unknown (never available or not).",
    ),
  maxGapDays: z
    .number()
    .positive("must be positive")
    .max(366, "must be at most 366 days")
    .default(45)
    .describe("Counter readings further apart than this: the energy between them is unknown and left out."),
  hygiene: hygieneSchema.prefault({}).describe("Daily Legionella check (DOMAIN.md §3.1)."),
  scald: scaldSchema.prefault({}).describe("Scald-risk minutes on a measured mixed outlet."),
  solarHeat: strictObject({
    source: z
      .enum(["auto", "heat_meter", "controller", "flow"])
      .default("auto")
      .describe(
        "auto: the heat meter's counter, else the controller's counter, else flow × ΔT × 1.163 Wh/(L·K).",
      ),
    counter: counterSchema
      .prefault({})
      .describe("Limits of the solar heat counters (heat meter, controller)."),
  })
    .prefault({})
    .describe("Where the solar heat delivered comes from."),
  backup: backupSchema.prefault({ kind: "electric" }).describe("The backup heater: electric or butane."),
  co2: co2Schema.prefault({}).describe("Emission factors for the CO2 avoided."),
}).superRefine((settings, ctx) => {
  const windows = settings.demandWindows
    .map((w, i) => ({ i, start: minuteOfDay(w.start), end: minuteOfDay(w.end) }))
    .sort((a, b) => a.start - b.start);
  for (let k = 1; k < windows.length; k++) {
    const [prev, cur] = [windows[k - 1], windows[k]];
    if (prev && cur && cur.start < prev.end) {
      ctx.addIssue({ code: "custom", path: ["demandWindows", cur.i], message: "overlaps another window" });
    }
  }
});

export type HotWaterSettings = z.output<typeof hotWaterSettingsSchema>;
export type HotWaterSettingsInput = z.input<typeof hotWaterSettingsSchema>;

/** Parses settings, or throws a ValidationError listing every problem as `path: message`. */
export function parseHotWaterSettings(input: unknown, subject = "hot-water settings"): HotWaterSettings {
  const result = hotWaterSettingsSchema.safeParse(input);
  if (!result.success) throw new ValidationError(subject, problemsOf(result.error));
  return result.data;
}

/** The JSON Schema of the settings, for editor completion in YAML files. */
export function hotWaterSettingsJsonSchema(): unknown {
  return z.toJSONSchema(hotWaterSettingsSchema, { io: "input" });
}
