/**
 * Schemas of /api/v1/alerts: the alerting service's own (services/alerting/src/schemas/alerts.ts), so an
 * alert looks the same on both APIs, plus its start in local time; the list says whether alerting runs
 * beside the page at all.
 */
import { alertSchema } from "@jisr/alerting/schemas/alerts";
import { z } from "zod";

export { ackBodySchema, alertParamsSchema, alertsQuerySchema } from "@jisr/alerting/schemas/alerts";

/** "2026-11-20 10:58": formatted by the server, whose time-zone data knows Morocco's latest changes. */
export const webAlertSchema = alertSchema.extend({ since_local: z.string() });

export const webAlertListSchema = z.object({
  alerts: z.array(webAlertSchema),
  /** False when no alert state file is configured: the list is empty because nobody evaluates rules. */
  configured: z.boolean(),
});
