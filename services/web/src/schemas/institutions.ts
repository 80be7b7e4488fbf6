/** Schemas of /api/v1/institutions and /api/v1/institutions/:id/summary. */
import { z } from "zod";
import { instant, institutionId, maybe, namesSchema } from "./common.js";

export const institutionParamsSchema = z.object({ id: institutionId }).strict();

export const institutionSchema = z.object({
  id: z.string(),
  name: namesSchema,
  commune: z.string(),
  has_pv: z.boolean(),
  has_hot_water: z.boolean(),
  /**
   * The institution's devices and what each is, from the institutions file, so the page names them
   * ("Onduleur 2", "Chauffe-eau solaire 1") instead of showing raw ids; `n` counts within its kind.
   */
  devices: z
    .array(
      z.object({
        id: z.string(),
        kind: z.enum(["inverter", "grid_meter", "water_heater"]),
        n: z.number().int().min(1),
      }),
    )
    .optional(),
});
export type InstitutionJson = z.infer<typeof institutionSchema>;

export const institutionListSchema = z.object({ institutions: z.array(institutionSchema) });

const tankDeviceSchema = z.object({
  device: z.string(),
  temperature_c: z.number(),
  at: instant,
  below_threshold: z.boolean().nullable(),
});

export const summarySchema = z.object({
  institution: institutionSchema,
  /** The instant the figures are for (the server's clock). */
  at: instant,
  time_zone: z.string(),
  today: z.string(),
  /**
   * Today's local midnights and the chart's time ticks, labelled in local time by the server: a
   * browser's own time-zone data may be older than ours (Morocco's Ramadan changes are announced late).
   */
  day: z.object({
    from: instant,
    to: instant,
    ticks: z.array(z.object({ time: instant, label: z.string() })),
  }),
  month: z.string(),
  /**
   * The first local day with results for the institution ("2026-11-05"), null before any: a chart
   * without data says why ("no data for October: the first readings arrived on 5 November").
   */
  first_day: z.string().nullable(),
  power_now_w: maybe,
  power_at: instant.nullable(),
  /** "10:58", local time of power_at. */
  power_at_local: z.string().nullable(),
  energy_today_kwh: maybe,
  /** Where today's energy comes from: the analytics job, or the counters while the job has not run. */
  energy_today_source: z.enum(["analytics", "counters"]).nullable(),
  energy_month_kwh: maybe,
  savings_month_mad: maybe,
  savings_month_electricity_mad: maybe,
  savings_month_hot_water_mad: maybe,
  /** Share of the month's expected PV and grid readings present (0..1). */
  completeness_month: maybe,
  tank: z.object({ threshold_c: maybe, devices: z.array(tankDeviceSchema) }),
  hot_water: z.object({
    availability_today_pct: maybe,
    availability_month_pct: maybe,
    hygiene_ok_today: z.boolean().nullable(),
    /** The demand window running now, else the next one (local "HH:MM"); null without hot water. */
    next_window: z
      .object({ start: z.string(), end: z.string(), open: z.boolean(), tomorrow: z.boolean() })
      .nullable()
      .optional(),
  }),
  open_alerts: z.number().int().nullable(),
  series: z.object({
    power_today: z.array(z.object({ time: instant, w: z.number() })),
    savings_month: z.array(
      z.object({ day: z.string(), electricity_mad: maybe, hot_water_mad: maybe, total_mad: z.number() }),
    ),
    tank_today: z.array(
      z.object({ device: z.string(), points: z.array(z.object({ time: instant, c: z.number() })) }),
    ),
  }),
});
export type SummaryJson = z.infer<typeof summarySchema>;
