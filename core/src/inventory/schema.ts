/**
 * The inventory: ONE description of each institution, read by every part of the system (gateway,
 * analytics, alerting, web, reports, Grafana isolation, the demo). A folder holds `programme.yaml` (what
 * the whole programme shares) and one `<institution-id>.yaml` per institution. Everything is snake_case
 * and every object is strict (core's strictObject): an unknown key is a typo, reported with the nearest
 * known key.
 *
 * The schema checks shape and plain ranges. The services' own schemas still judge their settings when
 * the inventory is converted for them (derive-*.ts), so a figure has one authority: defaults are the
 * services' defaults, and a key left out here is left out of the derived config.
 */
import { z } from "zod";
import { idSchema } from "../point.js";
import { strictObject } from "../strict-object.js";
import { isTimeZone, MOROCCO_TZ } from "../time/local-time.js";

const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/;
/** Durations stay strings ("10s", "15m", "45d"): each service parses them with its own bounds. */
const duration = (what: string) =>
  z.string().regex(DURATION, 'must be a duration such as "10s", "15m", "2h" or "45d"').describe(what);

const text = z.string().min(1, "must not be empty");
const positive = z.number().positive("must be positive");
const port = z.number().int("must be a whole number").min(1).max(65_535, "must be between 1 and 65535");

export const LANGUAGES = ["fr", "ar", "en"] as const;
export const ROLES = ["technician", "manager"] as const;
/** As the alerting service grades alerts (services/alerting/src/engine/types.ts). */
export const SEVERITIES = ["critical", "major", "minor", "info"] as const;

export const namesSchema = strictObject({
  fr: text.describe("Name in French, as on official documents."),
  ar: text.describe("Name in Arabic."),
  en: text.optional().describe("Name in English, when it differs from the French."),
});

/** Friendly names of a device: every language optional (the id is shown when none is given). */
const deviceNamesSchema = strictObject({
  fr: text.optional(),
  ar: text.optional(),
  en: text.optional(),
});

const co2Schema = strictObject({
  grid_factor_kg_per_kwh: z
    .number()
    .min(0)
    .max(2, "must be at most 2 kg/kWh")
    .describe("kg CO2 per kWh taken from the Moroccan grid; every kWh of PV avoids that much."),
  source: text.describe("Where the factor comes from (publication, year)."),
  provisional: z
    .boolean()
    .default(false)
    .describe("true while the factor is not confirmed (reports then say so); false once it is."),
});

const alertDefaultsSchema = strictObject({
  notify_roles: z
    .array(z.enum(ROLES))
    .default([])
    .describe("Contacts of these roles, with an e-mail, become alert recipients of their institution."),
  min_severity: z
    .enum(SEVERITIES)
    .default("major")
    .describe("Alerts below this severity are not sent to them (a contact may say otherwise)."),
});

const gatewayDefaultsSchema = strictObject({
  ingestion_url: z
    .url({ protocol: /^(https?|mqtts?)$/, error: "must be an http(s):// or mqtt(s):// URL" })
    .describe("Where every gateway sends its readings (the ingestion service, or a central broker)."),
  token_file: text
    .optional()
    .describe("Where a gateway finds its token, on the gateway box (jisr inventory provision writes it)."),
});

export const programmeSchema = strictObject({
  time_zone: z
    .string()
    .default(MOROCCO_TZ)
    .refine(isTimeZone, "must be an IANA time zone, e.g. Africa/Casablanca")
    .describe("Zone of days, months, tariff hours and demand windows; storage stays UTC."),
  co2: co2Schema.optional().describe("CO2 grid emission factor of the programme, with its source."),
  reading_interval: duration("How often devices are read, by default; completeness counts on it.").optional(),
  gap: duration("Readings further apart than this are a gap.").optional(),
  max_gap: duration("Readings further apart than this: the energy in between is unknown.").optional(),
  gateways: gatewayDefaultsSchema.optional().describe("What every institution's gateway shares."),
  alerts: alertDefaultsSchema.prefault({}).describe("Who is told of alerts, by default."),
});

const locationSchema = strictObject({
  latitude: z.number().min(20).max(36.5).describe("Latitude, decimal degrees north (Morocco: 21 to 36)."),
  longitude: z.number().min(-17.5).max(-0.9).describe("Longitude, decimal degrees (west is negative)."),
  commune: text.describe("Commune (municipality)."),
  province: text.optional().describe("Province (Rehamna when left out)."),
});

const tariffSchema = strictObject({
  file: text.describe("Tariff file (services/analytics/tariffs/), relative to this institution's file."),
});

const counterFields = {
  max_power_w: positive.describe("Most power behind the counter, W (~1.3 × rating): faster is a spike."),
  tolerance_wh: z.number().min(0).optional().describe("Slack on the spike test, Wh (default 100)."),
  jitter_wh: z
    .number()
    .min(0)
    .optional()
    .describe("A counter going back by at most this is jitter (default 10)."),
  rollover_wh: positive.optional().describe("Where the counter wraps, Wh; omit when it never wraps."),
};

const arraySchema = strictObject({
  kwp: positive.describe("DC nameplate of the array, kWp (shared evenly by its inverters)."),
  tilt_deg: z
    .number()
    .min(0)
    .max(90)
    .optional()
    .describe("Tilt of the modules from horizontal (default 30)."),
  azimuth_deg: z
    .number()
    .min(0)
    .max(360)
    .optional()
    .describe("Azimuth the modules face, clockwise from north (default 180)."),
  inverters: z
    .array(idSchema)
    .min(1, "must list at least one inverter")
    .describe("Device ids of its inverters."),
  ac_rating_w: positive.optional().describe("AC rating of each inverter, W (clipping)."),
  inputs: z
    .record(z.string().regex(/^[0-9A-Za-z_-]+$/), positive)
    .optional()
    .describe('MPPT inputs with their kWp, e.g. { "1": 2.5 } (an array of one inverter only).'),
});

const pvSchema = strictObject({
  arrays: z.array(arraySchema).min(1, "must list at least one array").describe("The PV arrays."),
  irradiance_sensor: idSchema.optional().describe("Device measuring irradiance in the plane of the arrays."),
  ...counterFields,
});

const gridMeterSchema = strictObject({
  device: idSchema.describe("Device id of the utility's import/export meter."),
  ...counterFields,
});

const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a local time "HH:MM"');
const TANK_FIELDS = ["outlet_temperature_c", "tank_top_temperature_c", "tank_bottom_temperature_c"] as const;

const heatCounterSchema = strictObject({
  max_power_w: positive.optional(),
  tolerance_wh: z.number().min(0).optional(),
  jitter_wh: z.number().min(0).optional(),
  rollover_wh: positive.optional(),
});

const electricBackupSchema = strictObject({
  kind: z.literal("electric"),
  method: z.enum(["auto", "metered", "rated"]).optional().describe("metered, rated or auto (default)."),
  rated_power_w: positive.optional().describe("Element rating, W (needed without a meter)."),
  counter: heatCounterSchema.optional(),
  efficiency: z.number().gt(0).max(1).optional(),
});

const butaneBackupSchema = strictObject({
  kind: z.literal("butane"),
  burner_power_kw: positive.describe("Burner's useful output, kW, from its plate."),
  efficiency: z.number().gt(0).max(1).optional(),
  kg_per_kwh: positive.optional(),
  bottle_kg: positive.optional(),
  prices: z
    .array(
      strictObject({
        from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD"),
        retail_mad: z.number().min(0),
        subsidy_mad: z.number().min(0).optional(),
      }),
    )
    .optional(),
});

const hotWaterSchema = strictObject({
  heaters: z
    .array(
      strictObject({
        device: idSchema.describe("Device id of the solar water heater (its controller)."),
        heat_meter: idSchema.optional().describe("Device id of its heat meter, when it has one."),
      }),
    )
    .min(1, "must list at least one water heater"),
  tank: strictObject({
    volume_l: positive.optional().describe("Tank volume, litres."),
    collector_area_m2: positive.optional().describe("Collector area, m²."),
  })
    .optional()
    .describe("The installation, for people (the analytics do not need it)."),
  demand_windows: z
    .array(strictObject({ start: hhmm, end: hhmm }))
    .min(1)
    .optional()
    .describe("When residents need hot water, local time (default 06:00-09:00 and 18:00-22:00)."),
  service_temperature_c: z.number().min(30).max(70).optional(),
  outlet_field: z.enum(TANK_FIELDS).optional().describe("Which hot_water field is the tank outlet."),
  sample_hold_minutes: z.number().int().positive().optional(),
  max_gap_days: positive.optional(),
  hygiene: strictObject({
    field: z.enum(TANK_FIELDS).optional(),
    all_day_min_c: z.number().optional(),
    exposures: z.array(strictObject({ temperature_c: z.number(), minutes: z.number().int() })).optional(),
  }).optional(),
  scald: strictObject({ threshold_c: z.number() }).optional(),
  solar_heat: strictObject({
    source: z.enum(["auto", "heat_meter", "controller", "flow"]).optional(),
    counter: heatCounterSchema.optional(),
  }).optional(),
  backup: z
    .discriminatedUnion("kind", [electricBackupSchema, butaneBackupSchema], {
      error: (i) => (i.code === "invalid_union" ? 'kind must be "electric" or "butane"' : undefined),
    })
    .optional()
    .describe("The backup heater (electric when left out)."),
  butane_co2_kg_per_kg: positive.optional().describe("kg CO2 per kg of butane burnt (default 3.03)."),
});

const devicesCommon = {
  id: idSchema.describe("Device id, unique in the institution: the `device` tag of its readings."),
  names: deviceNamesSchema.optional().describe("Friendly names shown to people."),
  profile: text.describe('How to read it: "sunspec", a built-in profile, or a profile file.'),
};

const modbusFields = {
  unit: z.number().int().min(0).max(255).optional().describe("Modbus unit id (default 1)."),
  interval: duration('How often it is read (default "10s").').optional(),
  timeout: duration('How long to wait for one answer (default "2s").').optional(),
  retries: z.number().int().min(0).max(5).optional(),
  offline_retry_max: duration("Longest wait between polls of an offline device.").optional(),
};

const modbusTcpSchema = strictObject({
  protocol: z.literal("modbus_tcp"),
  ...devicesCommon,
  host: z
    .string()
    .regex(/^[A-Za-z0-9._:-]+$/, "must be a host name or an IP address")
    .describe("Host of the device or its Modbus TCP gateway."),
  port: port.optional().describe("Modbus TCP port (default 502)."),
  ...modbusFields,
});

const modbusRtuSchema = strictObject({
  protocol: z.literal("modbus_rtu"),
  ...devicesCommon,
  serial: strictObject({
    path: text.describe('Serial port, e.g. "/dev/ttyUSB0".'),
    baud: z.number().int().positive().optional(),
    parity: z.enum(["none", "even", "odd"]).optional(),
    data_bits: z.union([z.literal(7), z.literal(8)]).optional(),
    stop_bits: z.union([z.literal(1), z.literal(2)]).optional(),
  }),
  ...modbusFields,
});

const mqttDeviceSchema = strictObject({
  protocol: z.literal("mqtt"),
  ...devicesCommon,
  topic: text.describe("The device's own topic (Shelly prefix, Tasmota %topic%, OpenDTU base/serial)."),
  role: z.enum(["grid_meter", "pv_inverter"]).optional(),
  time_zone: z.string().refine(isTimeZone, "must be an IANA time zone").optional(),
});

export const deviceSchema = z.discriminatedUnion(
  "protocol",
  [modbusTcpSchema, modbusRtuSchema, mqttDeviceSchema],
  {
    error: (i) =>
      i.code === "invalid_union" ? 'protocol must be "modbus_tcp", "modbus_rtu" or "mqtt"' : undefined,
  },
);

const gatewaySchema = strictObject({
  id: idSchema.default("gateway").describe("Name of the institution's gateway (default gateway)."),
  uplink: strictObject({
    url: z
      .url({ protocol: /^(https?|mqtts?)$/ })
      .optional()
      .describe("Overrides programme gateways.ingestion_url."),
    mqtt_topic: text.optional(),
    token_file: text.optional().describe("Overrides programme gateways.token_file."),
    batch_max_points: z.number().int().positive().optional(),
    flush_interval: duration("How often queued points are sent.").optional(),
    timeout: duration("How long one upload may take.").optional(),
    retry_max_delay: duration("Longest wait between two uploads while the server is away.").optional(),
    max_queued_points: z.number().int().positive().optional(),
  }).optional(),
  data_dir: text.optional(),
  buffer: strictObject({ max_bytes: text }).optional(),
  health: strictObject({ interval: duration("How often the gateway sends its own health.") }).optional(),
  local_page: strictObject({
    host: text.optional(),
    port: z.number().int().min(0).max(65_535).optional(),
  }).optional(),
  mqtt_broker: strictObject({
    url: z.url({ protocol: /^mqtts?$/ }).optional(),
    embedded: strictObject({ host: text.optional(), port: port.optional() }).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    client_id: text.optional(),
    max_clock_skew: duration(
      "Payload times further than this from the gateway's clock are not trusted.",
    ).optional(),
    reconnect_max_delay: duration("Longest wait between two attempts to reach the broker.").optional(),
  })
    .optional()
    .describe("The broker the MQTT devices publish to (url), or the gateway's own (embedded)."),
});

const contactSchema = strictObject({
  id: idSchema.describe("Short id of the person (the same person keeps it in every institution)."),
  name: text,
  role: z.enum(ROLES),
  language: z.enum(LANGUAGES).describe("Language of the messages sent to this person."),
  email: z.email("must be an e-mail address").optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ]{6,20}$/, "must be a phone number, e.g. +212 600 000 000")
    .optional(),
  min_severity: z.enum(SEVERITIES).optional().describe("Overrides programme alerts.min_severity."),
}).refine((c) => c.email !== undefined || c.phone !== undefined, {
  message: "give an email or a phone",
  path: ["email"],
});

export const institutionSchema = strictObject({
  id: idSchema.describe("The `institution` tag of every reading; also the file's name."),
  names: namesSchema.describe("Names shown in reports, pages and messages."),
  location: locationSchema,
  tariff: tariffSchema,
  co2: co2Schema.optional().describe("Overrides the programme's CO2 factor for this institution."),
  reading_interval: duration("Overrides the programme's reading interval.").optional(),
  gateway: gatewaySchema.prefault({}).describe("Its gateway: how it sends, and its MQTT broker if any."),
  devices: z.array(deviceSchema).default([]).describe("The devices its gateway reads."),
  pv: pvSchema.optional(),
  grid_meter: gridMeterSchema.optional(),
  hot_water: hotWaterSchema.optional(),
  contacts: z.array(contactSchema).default([]).describe("Who covers it: technicians and managers."),
});

export type Programme = z.output<typeof programmeSchema>;
export type InventoryInstitution = z.output<typeof institutionSchema>;
export type InventoryDevice = z.output<typeof deviceSchema>;
export type InstitutionInput = z.input<typeof institutionSchema>;
export type ProgrammeInput = z.input<typeof programmeSchema>;

/** A checked inventory: where it lives (paths in it are relative to `dir`), and what it says. */
export interface Inventory {
  dir: string;
  programme: Programme;
  institutions: InventoryInstitution[];
}

/** JSON Schemas of both files, as written (for editors: yaml-language-server's `$schema`). */
export function inventoryJsonSchema(): Record<string, unknown> {
  const io = { io: "input", unrepresentable: "any" } as const;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Jisr Solar inventory (programme.yaml or <institution-id>.yaml)",
    description: "Generated by `jisr inventory schema` from core/src/inventory/schema.ts; do not edit.",
    anyOf: [{ $ref: "#/$defs/institution" }, { $ref: "#/$defs/programme" }],
    $defs: {
      programme: strip(z.toJSONSchema(programmeSchema, io)),
      institution: strip(z.toJSONSchema(institutionSchema, io)),
    },
  };
}

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _, ...rest } = schema;
  return rest;
}
