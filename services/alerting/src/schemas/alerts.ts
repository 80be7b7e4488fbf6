/** Schemas of /api/v1/alerts: the filters, the alert as the API shows it, the acknowledgement. */
import { z } from "zod";
import { LANGUAGES } from "../config/schema.js";
import { ALERT_STATES, SEVERITIES } from "../engine/types.js";
import { instant, instantInput, institutionParam, nullableInstant } from "./common.js";

/** "a,b,c": a list in one query parameter, each an institution id. */
const institutionList = z
  .string()
  .transform((text) => text.split(",").filter((s) => s.length > 0))
  .pipe(z.array(institutionParam).max(1000));

export const alertsQuerySchema = z
  .object({
    institution: institutionParam.optional(),
    institutions: institutionList
      .optional()
      .describe("Comma-separated institution ids: alerts of any of them (a caller's own user scope)."),
    fired_from: instantInput
      .optional()
      .describe("With fired_to: every alert whose firing started in [fired_from, fired_to); no limit."),
    fired_to: instantInput.optional(),
    state: z
      .enum([...ALERT_STATES, "open"])
      .optional()
      .describe('"open" is pending or firing.'),
    severity: z.enum(SEVERITIES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    lang: z.enum(LANGUAGES).optional().describe("Adds the summary and action texts in this language."),
  })
  .strict()
  .refine((q) => (q.fired_from === undefined) === (q.fired_to === undefined), {
    message: "fired_from and fired_to go together",
    path: ["fired_from"],
  });

export const alertParamsSchema = z.object({ id: z.string().min(1).max(64) }).strict();

/** The body is optional: Fastify hands a missing body over as null. */
export const ackBodySchema = z.preprocess(
  (body) => body ?? {},
  z
    .object({
      comment: z.string().max(500).default(""),
      by: z
        .string()
        .min(1)
        .max(120)
        .optional()
        .describe("Who acknowledges, named by a service acting for its own users (token on_behalf)."),
    })
    .strict(),
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
