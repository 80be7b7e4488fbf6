/**
 * A temperature's one-minute values over a window, read the cheap way. The hot-water figures only ever
 * compare a minute's temperature with a few thresholds (service temperature, the Legionella rules, the
 * scald threshold: hot-water/availability.ts, hygiene.ts) and count the minutes known. An hour whose 60
 * one-minute buckets are all there and whose readings all lie on the same side of every threshold gives
 * the same figures with every minute at the hour's least reading, so the database sums such hours up
 * (hour-stats.ts) and only the other hours are read minute by minute: a month is a few hundred rows per
 * heater instead of forty-five thousand, and the figures are the ones the minutes themselves give.
 */
import { HOUR_MS, MINUTE_MS } from "@jisr/core";
import type { HourStats, HourStatsReader, Store } from "@jisr/core/store";
import type { HotWaterSettings } from "../hot-water/settings-schema.js";
import type { Sample } from "../hot-water/types.js";
import { readMinutes, type SeriesSource } from "./read-series.js";

/** A threshold a minute's value is compared with: `v >= at` (and `v < at`), or with `strict`, `v > at`. */
export interface Threshold {
  at: number;
  strict?: boolean;
}

/** The thresholds hot-water/system-day.ts compares `field` with under `settings`. */
export function thresholdsOf(field: string, settings: HotWaterSettings): Threshold[] {
  const out: Threshold[] = [];
  if (field === settings.outletField) out.push({ at: settings.serviceTemperatureC });
  if (field === (settings.hygiene.field ?? settings.outletField)) {
    out.push({ at: settings.hygiene.allDayMinC });
    for (const e of settings.hygiene.exposures) out.push({ at: e.temperatureC });
  }
  if (field === "mixed_outlet_temperature_c") out.push({ at: settings.scald.thresholdC, strict: true });
  return out;
}

/** Whether every value in [min, max] compares the same with each threshold. */
function oneSide({ min, max }: HourStats, thresholds: readonly Threshold[]): boolean {
  if (min === undefined || max === undefined) return false;
  return thresholds.every(({ at, strict }) => (strict ? min > at || max <= at : min >= at || max < at));
}

/**
 * Per device, the one-minute mean of `src` over [from, to) (whole hours), timed at the minute's start, as
 * readMinutes(…, "mean") gives it, except that an hour summed up (see the file comment) is given at its
 * least reading, in as few minutes as put the same value on every minute of the minute grid under
 * `holdMs` (hot-water/minute-grid.ts, the settings' `sampleHoldMinutes`; default one minute: all 60).
 */
export async function readTemperatureMinutes(
  store: Store,
  hourStats: HourStatsReader,
  src: SeriesSource,
  from: number,
  to: number,
  thresholds: readonly Threshold[],
  holdMs: number = MINUTE_MS,
): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>();
  const stats = await hourStats({
    measurement: src.measurement,
    field: src.field,
    from,
    to,
    where: { institution: src.institution },
    groupBy: ["device"],
    bucketMs: MINUTE_MS,
    bucketFn: "mean",
  });
  for (const s of stats) {
    const device = s.tags.device;
    if (device === undefined || !src.devices.includes(device)) continue;
    const clean = (h: HourStats) => h.buckets === 60 && oneSide(h, thresholds);
    // The other hours, minute by minute: consecutive ones in one query.
    const read = new Map<number, Sample[]>();
    const todo = s.hours.filter((h) => !clean(h)).map((h) => h.time);
    for (let i = 0; i < todo.length; ) {
      let j = i;
      while (j + 1 < todo.length && (todo[j + 1] as number) === (todo[j] as number) + HOUR_MS) j++;
      const [a, b] = [todo[i] as number, (todo[j] as number) + HOUR_MS];
      const got = await readMinutes(store, { ...src, devices: [device] }, a, b, "mean");
      for (let h = a; h < b; h += HOUR_MS) read.set(h, []);
      for (const r of got.get(device) ?? []) read.get(r.time - (r.time % HOUR_MS))?.push(r);
      i = j + 1;
    }
    const samples = minuteSamples(s.hours, read, summaryStep(holdMs));
    if (samples.length > 0) out.set(device, samples);
  }
  return out;
}

/**
 * Minutes between the samples of an hour summed up: the widest step `s` whose every minute grid value is
 * still a sample's. On the grid a minute takes the latest sample at or before its midpoint, if younger than
 * `holdMs`: with samples every `s` minutes the oldest is s − ½ minute old, so s − ½ < hold. Samples every 5
 * minutes under the default hold of 5 minutes: 13 objects an hour instead of 60, for 40 institutions 1.7 M
 * fewer (with the garbage collection after them, the largest piece of a month's run on kept hours).
 */
export function summaryStep(holdMs: number): number {
  const hold = holdMs / MINUTE_MS;
  return Math.max(1, Math.min(60, Math.ceil(hold + 0.5) - 1));
}

/**
 * The minutes of `hours` in order: those read, and for each hour summed up its least reading at minutes
 * 0, step, 2 × step, … and 59 (the last minute holds into the next hour as the 60 minutes would). Sized
 * once and filled by index, with the minute's length in a local (an imported constant is a getter call
 * under tsx).
 */
function minuteSamples(
  hours: readonly HourStats[],
  read: ReadonlyMap<number, Sample[]>,
  step: number,
): Sample[] {
  const minute = MINUTE_MS;
  const perHour = Math.ceil(60 / step) + (59 % step === 0 ? 0 : 1);
  let n = 0;
  for (const h of hours) n += read.get(h.time)?.length ?? perHour;
  const samples = new Array<Sample>(n);
  let k = 0;
  for (const h of hours) {
    const minutes = read.get(h.time);
    if (minutes) for (const m of minutes) samples[k++] = m;
    else {
      const value = h.min as number;
      for (let m = 0; m < 60; m += step) samples[k++] = { time: h.time + m * minute, value };
      if (59 % step !== 0) samples[k++] = { time: h.time + 59 * minute, value };
    }
  }
  return samples;
}
