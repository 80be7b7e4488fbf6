/**
 * Schemas of the energy-flow endpoints: one institution's (/institutions/:id/energy) and the programme's
 * (/programme/energy), which share their query and their figures.
 */
import { z } from "zod";
import { PERIOD_KINDS } from "../data/energy.js";
import { instant, maybe } from "./common.js";
import { institutionSchema } from "./institutions.js";

export const energyQuerySchema = z
  .object({
    period: z.enum(PERIOD_KINDS).default("day").describe("day, week (Monday to Sunday), month or year"),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local day such as "2026-11-20"')
      .optional()
      .describe("A day of the period; today (local) by default."),
  })
  .strict();
export type EnergyQuery = z.output<typeof energyQuerySchema>;

export const periodSchema = z.object({
  kind: z.enum(PERIOD_KINDS),
  label: z.string(),
  from: instant,
  to: instant,
  first_day: z.string(),
  last_day: z.string(),
});

/** The additive figures of a flow (kWh, MAD) and its shares (%, never summed: recomputed from sums). */
const flowFigures = {
  pv_kwh: maybe,
  self_consumed_kwh: maybe,
  export_kwh: maybe,
  import_kwh: maybe,
  consumption_kwh: maybe,
  self_consumption_pct: maybe,
  self_sufficiency_pct: maybe,
  solar_heat_kwh: maybe,
  backup_heat_kwh: maybe,
  solar_fraction_pct: maybe,
  savings_mad: maybe,
  electricity_savings_mad: maybe,
};

export const flowSchema = z.object({ ...flowFigures, days_with_data: z.number().int() });

export const programmeEnergySchema = z.object({
  period: periodSchema,
  /** Every institution, in the institutions file's order, its flow over the period. */
  institutions: z.array(z.object({ institution: institutionSchema, flow: flowSchema })),
  /**
   * kWh and MAD: the sum of the rows as they are given (so a spreadsheet's SUM finds them); shares: the
   * summed energies' ratio over the institutions that have both figures, never a mean of percentages.
   * `reporting`: institutions with a PV result in the period.
   */
  totals: z.object({ institutions: z.number().int(), reporting: z.number().int(), ...flowFigures }),
});
export type ProgrammeEnergyJson = z.infer<typeof programmeEnergySchema>;
