/** Schemas of /api/v1/alerts: the filters, the alert as the API shows it, the acknowledgement. */
import { z } from "zod";
import { LANGUAGES } from "../config/schema.js";
import { ALERT_STATES, SEVERITIES } from "../engine/types.js";
import { instant, institutionParam, nullableInstant } from "./common.js";

export const alertsQuerySchema = z
  .object({
    institution: institutionParam.optional(),
    state: z
      .enum([...ALERT_STATES, "open"])
      .optional()
      .describe('"open" is pending or firing.'),
    severity: z.enum(SEVERITIES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    lang: z.enum(LANGUAGES).optional().describe("Adds the summary and action texts in this language."),
  })
  .strict();

export const alertParamsSchema = z.object({ id: z.string().min(1).max(64) }).strict();

/** The body is optional: Fastify hands a missing body over as null. */
export const ackBodySchema = z.preprocess(
  (body) => body ?? {},
  z.object({ comment: z.string().max(500).default("") }).strict(),
);

const textRef = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const alertSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  rule: z.string(),
  institution: z.string(),
  device: z.string(),
  subject: z.string(),
  state: z.enum(ALERT_STATES),
  severity: z.enum(SEVERITIES),
  active_since: instant,
  firing_since: nullableInstant,
  resolved_at: nullableInstant,
  last_seen_at: instant,
  evidence: z.record(
    z.string(),
    z.object({
      value: z.union([z.number(), z.string(), z.boolean(), z.array(z.string())]),
      unit: z.string(),
    }),
  ),
  summary: textRef,
  action: textRef,
  text: z.object({ summary: z.string(), action: z.string() }).optional(),
  ack: z.object({ by: z.string(), at: instant, comment: z.string() }).nullable(),
  silenced_by: z.string().nullable(),
  /** The firing alert that keeps this one from being notified (inhibit_rules), if any. */
  inhibited_by: z.string().nullable(),
  notified_at: nullableInstant,
  notify_count: z.number().int(),
});
export type AlertJson = z.infer<typeof alertSchema>;

export const alertListSchema = z.object({ alerts: z.array(alertSchema) });
