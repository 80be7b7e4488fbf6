/**
 * Schemas of /api/v1/alerts: the alerting service's own (services/alerting/src/schemas/alerts.ts), so an
 * alert looks the same on both APIs, plus its start in local time; the list says whether alerting runs
 * beside the page at all.
 */
import { alertSchema } from "@jisr/alerting/schemas/alerts";
import { z } from "zod";

export { ackBodySchema, alertParamsSchema, alertsQuerySchema } from "@jisr/alerting/schemas/alerts";

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
  /** False when no alert state file is configured: the list is empty because nobody evaluates rules. */
  configured: z.boolean(),
  /** The server's "now", which relative times ("12 min ago") count from (the demo runs a sun clock). */
  at: z.string().optional(),
});
