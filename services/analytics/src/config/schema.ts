/**
 * The institutions file (`examples/institutions.yaml`): ONE strict zod schema. Per institution: names,
 * location, tariff file, which devices are the PV inverters, the grid meter and the solar water heaters,
 * the hot-water settings (hot-water/settings-schema.ts, written as that schema says), the CO2 grid factor
 * with its source, and how often readings are expected. Every object is strict (an unknown key is a typo),
 * every field is described. Cross-field rules (a device in two roles) run after the fields.
 */

import { idSchema, isTimeZone, MOROCCO_TZ, parseDuration, strictObject } from "@jisr/core";
import { z } from "zod";
import { hotWaterSettingsSchema } from "../hot-water/settings-schema.js";

const duration = (what: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      // Zero is no duration here: every one of these is a window or an interval.
      if (!ms) {
        ctx.addIssue({
          code: "custom",
          message: 'must be a duration such as "30s", "1m", "15m", "2h" or "40d"',
        });
        return z.NEVER;
      }
      return ms;
    })
    .describe(what);

const counterSchema = strictObject({
  max_power_w: z
    .number()
    .positive("must be > 0")
    .describe(
      "Most power the device(s) can deliver, W (take ~1.3 × the rating): a counter rising faster is a spike " +
        "and is never counted as energy.",
    ),
  tolerance_wh: z
    .number()
    .min(0)
    .default(100)
    .describe(
      "Slack on the spike test, Wh: at least the counter's resolution (100 for a counter in 0.1 kWh).",
    ),
  jitter_wh: z
    .number()
    .min(0)
    .default(10)
    .describe("A counter going back by at most this is jitter (counts 0), not a reset."),
  rollover_wh: z
    .number()
    .positive("must be > 0")
    .optional()
    .describe("Where the counter wraps, Wh (an acc32 in Wh: 4294967296); omit when it never wraps."),
});

const pvSchema = strictObject({
  inverters: z
    .array(idSchema)
    .min(1, "must list at least one inverter")
    .describe(
      "Device ids (tag `device`) of the PV inverters; their `pv_inverter.energy_wh` counters add up.",
    ),
  ...counterSchema.shape,
}).describe("The PV plant: inverters and the limits of their lifetime counters.");

const gridMeterSchema = strictObject({
  device: idSchema.describe(
    "Device id of the grid meter (`grid_meter.energy_import_wh`, `energy_export_wh`).",
  ),
  ...counterSchema.shape,
}).describe("The utility's side of the connection: the import/export meter.");

const hotWaterSchema = strictObject({
  devices: z
    .array(idSchema)
    .min(1, "must list at least one solar water heater")
    .describe("Device ids of the solar water heaters (measurement `hot_water`)."),
  heat_meters: z
    .record(idSchema, idSchema)
    .default({})
    .describe(
      "Heat meter (measurement `heat_meter`) of a water heater, by water-heater id, when it has one.",
    ),
  settings: z
    .unknown()
    .optional()
    .describe(
      "Hot-water settings, written as hot-water/settings-schema.ts says (demand windows, service °C...).",
    ),
}).describe("The solar water heaters and how their service is judged.");

const co2Schema = strictObject({
  grid_factor_kg_per_kwh: z
    .number()
    .min(0)
    .max(2, "must be at most 2 kg/kWh")
    .describe("kg CO2 emitted per kWh taken from the Moroccan grid; every kWh of PV avoids that much."),
  source: z
    .string()
    .min(1, "must say where the factor comes from")
    .describe("Where the factor comes from (publication, year); tag U until confirmed."),
});

const DEFAULT_CO2 = {
  grid_factor_kg_per_kwh: 0.7,
  source:
    "U: placeholder, not in DOMAIN.md. Confirm with ONEE/AMEE or the UNFCCC grid emission factor for Morocco before reporting.",
};

const nameSchema = strictObject({
  fr: z.string().min(1, "must not be empty").describe("Name in French, as on official documents."),
  ar: z.string().min(1, "must not be empty").describe("Name in Arabic."),
  en: z.string().min(1).optional().describe("Name in English, when it differs from the French."),
});

const locationSchema = strictObject({
  commune: z.string().min(1).describe("Commune (municipality)."),
  province: z.string().min(1).default("Rehamna").describe("Province."),
  latitude: z.number().min(20).max(36.5).describe("Latitude, decimal degrees north (Morocco: 21 to 36)."),
  longitude: z.number().min(-17.5).max(-0.9).describe("Longitude, decimal degrees (west is negative)."),
});

export const institutionSchema = strictObject({
  name: nameSchema.describe("Names shown in reports and dashboards."),
  location: locationSchema.describe("Where the site is, for the map and the sun."),
  tariff: z
    .string()
    .min(1)
    .describe("Tariff file (tariff/schema.ts), a path relative to this institutions file."),
  pv: pvSchema.optional(),
  grid_meter: gridMeterSchema.optional(),
  hot_water: hotWaterSchema.optional(),
  co2: co2Schema.optional().describe("Overrides the file's CO2 factor for this institution."),
  reading_interval: duration(
    'How often the gateway reads each device, e.g. "1m": completeness counts on it.',
  ).optional(),
});

export const institutionsFileSchema = strictObject({
  time_zone: z
    .string()
    .default(MOROCCO_TZ)
    .refine(isTimeZone, "must be an IANA time zone, e.g. Africa/Casablanca")
    .describe("Zone of days, months and tariff hours; storage stays UTC."),
  co2: co2Schema.default(DEFAULT_CO2).describe("CO2 grid emission factor of the programme, with its source."),
  reading_interval: duration("Default expected interval between readings of a device.").default(60_000),
  gap: duration(
    "Readings further apart than this are a gap (energy spread evenly across it, completeness reduced).",
  ).default(15 * 60_000),
  max_gap: duration(
    "Readings further apart than this: the energy in between is unknown and left out (counter rebaselined).",
  ).default(45 * 86_400_000),
  institutions: z
    .record(idSchema, institutionSchema, {
      // Say why an id is refused, instead of zod's bare "Invalid key in record".
      error: (iss: { code?: string; issues?: Array<{ message: string }> }) =>
        iss.code === "invalid_key"
          ? `is not a valid id: ${iss.issues?.map((i) => i.message).join("; ")}`
          : undefined,
    })
    .refine((r) => Object.keys(r).length > 0, "must define at least one institution")
    .describe("The institutions, by id (the `institution` tag of every reading)."),
}).superRefine((file, ctx) => {
  for (const [id, inst] of Object.entries(file.institutions)) {
    const roles = new Map<string, string>();
    const claim = (device: string, role: string, path: (string | number)[]) => {
      const other = roles.get(device);
      if (other) {
        ctx.addIssue({
          code: "custom",
          path: ["institutions", id, ...path],
          message: `is already the ${other}`,
        });
      }
      roles.set(device, role);
    };
    for (const [i, d] of (inst.pv?.inverters ?? []).entries())
      claim(d, "PV inverter", ["pv", "inverters", i]);
    if (inst.grid_meter) claim(inst.grid_meter.device, "grid meter", ["grid_meter", "device"]);
    for (const [i, d] of (inst.hot_water?.devices ?? []).entries())
      claim(d, "water heater", ["hot_water", "devices", i]);
    for (const heater of Object.keys(inst.hot_water?.heat_meters ?? {})) {
      if (!inst.hot_water?.devices.includes(heater)) {
        ctx.addIssue({
          code: "custom",
          path: ["institutions", id, "hot_water", "heat_meters", heater],
          message: "is not one of hot_water.devices",
        });
      }
    }
  }
});

export type InstitutionsFileInput = z.input<typeof institutionsFileSchema>;
export type RawInstitutionsFile = z.output<typeof institutionsFileSchema>;
export type CounterConfig = z.output<typeof counterSchema>;

/** JSON Schema of the file as written, for editor completion. */
export function institutionsJsonSchema(): unknown {
  return z.toJSONSchema(institutionsFileSchema, { io: "input", unrepresentable: "any" });
}

// Re-exported so that callers parse hot-water settings through one place.
export { hotWaterSettingsSchema };
