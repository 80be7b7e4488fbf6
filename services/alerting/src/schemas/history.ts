/** Schemas of GET /api/v1/alerts/history: alerts that fired in a period, and how long they took to resolve. */
import { z } from "zod";
import { instant, instantInput, institutionParam } from "./common.js";

const dayOrInstant = z.union([
  z.iso.date({ error: "must be a day (YYYY-MM-DD, local time) or an ISO-8601 date-time" }),
  instantInput,
]);

export const historyQuerySchema = z
  .object({
    institution: institutionParam.optional(),
    from: dayOrInstant
      .optional()
      .describe("Start (included); a day means its local midnight. Default: 30 days ago."),
    to: dayOrInstant
      .optional()
      .describe("End (excluded); a day means the next local midnight. Default: now."),
  })
  .strict();

const stats = {
  count: z.number().int().describe("Alerts that fired in the period."),
  resolved: z.number().int().describe("Of which resolved (by now)."),
  acknowledged: z.number().int(),
  mean_time_to_resolve_s: z
    .number()
    .nullable()
    .describe("From firing to resolution, over the resolved ones."),
  median_time_to_resolve_s: z.number().nullable(),
  mean_time_to_acknowledge_s: z.number().nullable().describe("From firing to acknowledgement."),
};

export const historySchema = z.object({
  institution: z.string().nullable(),
  from: instant,
  to: instant,
  ...stats,
  per_rule: z.array(z.object({ rule: z.string(), ...stats })),
});
export type HistoryJson = z.infer<typeof historySchema>;
