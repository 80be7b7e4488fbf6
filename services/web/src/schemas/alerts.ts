/**
 * Schemas of /api/v1/alerts: an alert is the alerting service's own (its API's alertSchema), so it looks
 * the same on both APIs, plus its start in local time and the device's name; the list says whether
 * alerting runs beside the page at all. The filters are the page's (one institution, or the user's scope).
 */
import { ALERT_STATES, alertSchema, LANGUAGES, SEVERITIES } from "@jisr/alerting";
import { idSchema } from "@jisr/core";
import { z } from "zod";

export const alertsQuerySchema = z
  .object({
    institution: idSchema.optional(),
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

/** "2026-11-20 10:58": formatted by the server, whose time-zone data knows Morocco's latest changes. */
export const webAlertSchema = alertSchema.extend({
  since_local: z.string(),
  /** "2026-11-20 11:42" local, when the alert resolved. */
  resolved_local: z.string().nullable().optional(),
  /** The device as people call it ("Onduleur 2"), from the institutions file; else its id. */
  device_name: z.string().optional(),
});

export const webAlertListSchema = z.object({
  alerts: z.array(webAlertSchema),
  /** False when the page has no alerting service to ask: the list is empty because nobody evaluates rules. */
  configured: z.boolean(),
  /** The server's "now", which relative times ("12 min ago") count from (the demo runs a sun clock). */
  at: z.string().optional(),
});
