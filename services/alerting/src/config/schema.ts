/**
 * The alerting config file (alerting.example.yaml shows every key): institutions, recipients and their
 * channels, lifecycle timings, delivery settings, the API's tokens. One strict zod schema, so a typo is an
 * error naming its path; cross-field checks (unknown institution, duplicate ids) run after it.
 */

import { durationSchema, idSchema } from "@jisr/core";
import { z } from "zod";
import { SEVERITIES } from "../engine/types.js";
import { rulesConfigSchema } from "../rules/config/schema.js";
import { siteSchema } from "../rules/config/site-schema.js";

export const LANGUAGES = ["fr", "ar", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;

export const timingSchema = z
  .object({
    for: durationSchema(0, 30 * DAY)
      .prefault("10m")
      .describe("How long a condition must hold before its alert fires; 0s fires at once."),
    keep_firing_for: durationSchema(0, 30 * DAY)
      .prefault("0s")
      .describe("How long a firing alert waits, once its condition clears, before it resolves."),
    repeat_interval: durationSchema(MINUTE, 30 * DAY)
      .prefault("4h")
      .describe("How often a firing alert that nobody acknowledged is notified again."),
  })
  .strict();

/** Per-rule overrides: only the keys given replace the defaults. */
const timingOverrideSchema = z
  .object({
    for: durationSchema(0, 30 * DAY).optional(),
    keep_firing_for: durationSchema(0, 30 * DAY).optional(),
    repeat_interval: durationSchema(MINUTE, 30 * DAY).optional(),
  })
  .strict();

const institutionSchema = z
  .object({
    id: idSchema.describe("The institution tag of its readings."),
    name: z.string().min(1).max(120).describe("Its name in messages."),
    names: z
      .object({
        fr: z.string().min(1).optional(),
        ar: z.string().min(1).optional(),
        en: z.string().min(1).optional(),
      })
      .strict()
      .prefault({})
      .describe("The name in other languages, where it differs (Arabic script, say)."),
    site: siteSchema
      .prefault({})
      .describe("What the rules need to know: location, gateways, inverters, water heaters (src/rules)."),
  })
  .strict();

const recipientSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    language: z.enum(LANGUAGES).describe("Language of this recipient's messages."),
    institutions: z
      .array(z.union([z.literal("*"), idSchema]))
      .min(1)
      .describe('Institutions this recipient covers; "*" for all.'),
    min_severity: z.enum(SEVERITIES).default("info").describe("Alerts below this severity are not sent."),
    channels: z
      .object({
        email: z.email().optional(),
        webhook: z.url({ protocol: /^https?$/ }).optional(),
        mqtt_topic: z
          .string()
          .min(1)
          .refine((t) => !/[#+]/.test(t) && !t.includes("\0"), "must be a topic name without wildcards")
          .optional(),
      })
      .strict()
      .refine((c) => c.email || c.webhook || c.mqtt_topic, "must name at least one channel"),
  })
  .strict();

const secretFields = {
  password: z.string().optional().describe("Prefer password_env: a file is easier to leak."),
  password_env: z.string().optional().describe("Name of the environment variable holding the password."),
};

const smtpSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false).describe("TLS from the start (port 465); else STARTTLS if offered."),
    require_tls: z.boolean().default(false).describe("Refuse to send without STARTTLS."),
    user: z.string().optional(),
    ...secretFields,
    from: z.string().min(3).describe('Sender, e.g. "Jisr Alertes <alertes@jisr.ma>".'),
    timeout: durationSchema(1000, 5 * MINUTE).prefault("30s"),
  })
  .strict();

const mqttSchema = z
  .object({
    url: z.string().regex(/^mqtts?:\/\//, "must start with mqtt:// or mqtts://"),
    username: z.string().optional(),
    ...secretFields,
    client_id: z.string().min(1).default("jisr-alerting"),
    timeout: durationSchema(1000, 5 * MINUTE).prefault("10s"),
  })
  .strict();

const deliverySchema = z
  .object({
    max_attempts: z.number().int().min(1).max(100).default(8).describe("Tries per message before giving up."),
    backoff_initial: durationSchema(10, 10 * MINUTE).prefault("5s"),
    backoff_max: durationSchema(10, DAY).prefault("10m"),
    webhook_timeout: durationSchema(100, 5 * MINUTE).prefault("10s"),
    smtp: smtpSchema.optional(),
    mqtt: mqttSchema.optional(),
  })
  .strict();

const apiTokenSchema = z
  .object({
    id: z.string().regex(/^tok_[0-9a-f]{8,32}$/, "must be tok_ followed by 8 to 32 hex digits"),
    user: z.string().min(1).max(120).describe("Who uses it: recorded on acknowledgements and silences."),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits (SHA-256 of the token)"),
    institutions: z.array(z.union([z.literal("*"), idSchema])).min(1),
    on_behalf: z
      .boolean()
      .default(false)
      .describe(
        "A service's token (the web page's): it may name the person an acknowledgement is for, checked by that service.",
      ),
  })
  .strict();

const apiSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8090),
    tokens: z.array(apiTokenSchema).default([]),
  })
  .strict();

const readingsSchema = z
  .object({
    fine_span: durationSchema(MINUTE, 2 * DAY)
      .prefault("6h")
      .describe("Recent span read in fine buckets (fast rules); older readings come in coarse buckets."),
    fine_bucket: durationSchema(1000, 15 * MINUTE).prefault("1m"),
    short_span: durationSchema(3_600_000, 31 * DAY)
      .prefault("3d")
      .describe(
        "History read of the fast-changing measurements (MPPT inputs, hot water, health): it must cover the " +
          "rules' own windows (hot water up to 72 h). AC power and irradiance are read over the whole lookback.",
      ),
    coarse_bucket: durationSchema(MINUTE, 3_600_000).prefault("15m"),
    late_margin: durationSchema(0, DAY)
      .prefault("2h")
      .describe("Readings arriving this late (a gateway back from an outage) are still taken into account."),
  })
  .strict();

const ruleName = z.string().min(1).max(64);

const inhibitRuleSchema = z
  .object({
    source: z.array(ruleName).min(1).describe("Rules whose firing alerts inhibit."),
    target: z.array(ruleName).min(1).describe("Rules whose alerts are then not notified."),
    equal: z
      .array(z.enum(["institution", "device", "subject"]))
      .default(["institution", "device"])
      .describe("Labels source and target must share."),
  })
  .strict();

/**
 * One fault, one message: the cause inhibits its symptoms on the same device (an inverter in FAULT also
 * produces nothing; a solar pump that moves no heat also stagnates the collector and leaves the backup
 * doing the work; a device that stopped answering is not judged by the other rules anyway).
 */
export const DEFAULT_INHIBIT_RULES = [
  {
    source: ["inverter_fault"],
    target: ["pv_zero_production", "pv_underperformance", "pv_input_mismatch", "pv_soiling"],
    equal: ["institution", "device"],
  },
  {
    source: ["pv_zero_production"],
    target: ["pv_underperformance", "pv_input_mismatch", "pv_soiling"],
    equal: ["institution", "device"],
  },
  // A stopped solar pump also lets the collector stagnate and leaves the backup doing all the work.
  {
    source: ["swh_no_heat_gain"],
    target: ["swh_overheating", "swh_backup_only"],
    equal: ["institution", "device"],
  },
  { source: ["site_silent"], target: ["device_silent", "gateway_backlog"], equal: ["institution"] },
] satisfies Array<z.input<typeof inhibitRuleSchema>>;

export const alertingConfigSchema = z
  .object({
    timezone: z.string().default("Africa/Casablanca").describe("Zone of the times shown in messages."),
    evaluation_interval: durationSchema(1000, 6 * 3_600_000).prefault("60s"),
    state_file: z.string().min(1).default("alerting.sqlite").describe("SQLite file of alert state."),
    institutions: z.array(institutionSchema).min(1),
    recipients: z.array(recipientSchema).default([]),
    timings: z
      .object({
        default: timingSchema.prefault({}),
        rules: z.record(z.string(), timingOverrideSchema).default({}),
      })
      .strict()
      .prefault({}),
    inhibit_rules: z
      .array(inhibitRuleSchema)
      .prefault(DEFAULT_INHIBIT_RULES)
      .describe("While a source alert fires, target alerts with equal labels are not notified; [] for none."),
    delivery: deliverySchema.prefault({}),
    api: apiSchema.prefault({}),
    readings: readingsSchema.prefault({}),
    rules: rulesConfigSchema.prefault({}).describe("Thresholds of the rules (src/rules/config/schema.ts)."),
    rules_file: z
      .string()
      .min(1)
      .optional()
      .describe("Instead of `rules`: a rules file (rules.example.yaml), relative to this file."),
  })
  .strict();

export type AlertingConfig = z.output<typeof alertingConfigSchema>;
export type AlertingConfigInput = z.input<typeof alertingConfigSchema>;
export type RecipientConfig = AlertingConfig["recipients"][number];
export type InstitutionConfig = AlertingConfig["institutions"][number];
export type ApiTokenConfig = AlertingConfig["api"]["tokens"][number];
export type SmtpConfig = NonNullable<AlertingConfig["delivery"]["smtp"]>;
export type MqttConfig = NonNullable<AlertingConfig["delivery"]["mqtt"]>;
export type DeliveryConfig = AlertingConfig["delivery"];
