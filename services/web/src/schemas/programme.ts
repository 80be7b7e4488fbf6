/** Schema of /api/v1/programme/summary: every institution's headline figures, and the programme's totals. */
import { z } from "zod";
import { instant, maybe } from "./common.js";
import { institutionSchema } from "./institutions.js";

const figures = {
  power_now_w: maybe,
  energy_today_kwh: maybe,
  energy_month_kwh: maybe,
  savings_month_mad: maybe,
  availability_month_pct: maybe,
  open_alerts: z.number().int().nullable(),
};

export const programmeSummarySchema = z.object({
  at: instant,
  time_zone: z.string(),
  today: z.string(),
  month: z.string(),
  institutions: z.array(z.object({ institution: institutionSchema, ...figures })),
  /**
   * Sums over the institutions with data (availability: available minutes over minutes with data, summed
   * over the institutions, never a mean of percentages); `reporting` counts the institutions with data.
   */
  totals: z.object({ institutions: z.number().int(), reporting: z.number().int(), ...figures }),
});
export type ProgrammeSummaryJson = z.infer<typeof programmeSummarySchema>;
