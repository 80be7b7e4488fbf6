/**
 * Everything about one solar water heater on one local day, unrounded: the building block of the daily
 * result (which adds systems up and rounds) and of the monthly one.
 */

import { MINUTE_MS } from "@jisr/core";
import { type Availability, availability } from "./availability.js";
import { type BackupEnergy, backupEnergy, type SolarHeat, solarHeat } from "./heat.js";
import { type Hygiene, hygieneCheck, type ScaldRisk, scaldRisk } from "./hygiene.js";
import type { DayGrid } from "./local-day.js";
import { knownCount, toMinutes } from "./minute-grid.js";
import type { HotWaterSettings } from "./settings-schema.js";
import type { HotWaterReadings } from "./types.js";

export interface SystemDay {
  device?: string;
  /** Minutes of the day with an outlet reading: the basis of `completeness`. */
  outletKnownMinutes: number;
  availability: Availability;
  hygiene: Hygiene;
  scald?: ScaldRisk;
  solarHeat?: SolarHeat;
  backup?: BackupEnergy;
}

/** One system's day. `day` comes from localDay(label, timeZone), with the same zone. */
export function systemDay(
  readings: HotWaterReadings,
  settings: HotWaterSettings,
  day: DayGrid,
  timeZone: string,
): SystemDay {
  const holdMs = settings.sampleHoldMinutes * MINUTE_MS;
  const grid = (field: keyof HotWaterReadings["hotWater"]) =>
    toMinutes(readings.hotWater[field], day.start, day.minutes, holdMs);
  const outlet = grid(settings.outletField);
  const hygieneField = settings.hygiene.field ?? settings.outletField;
  const tank = hygieneField === settings.outletField ? outlet : grid(hygieneField);
  const result: SystemDay = {
    outletKnownMinutes: knownCount(outlet),
    availability: availability(outlet, day, settings.demandWindows, settings.serviceTemperatureC, timeZone),
    hygiene: hygieneCheck(tank, settings.hygiene),
  };
  if (readings.device !== undefined) result.device = readings.device;
  const scald = scaldRisk(grid("mixed_outlet_temperature_c"), day, settings.scald.thresholdC);
  if (scald) result.scald = scald;
  const maxGapMs = settings.maxGapDays * 86_400_000;
  const { source, counter } = settings.solarHeat;
  const heat = solarHeat(readings, day, source, holdMs, { limits: counter, maxGapMs });
  if (heat) result.solarHeat = heat;
  const backup = backupEnergy(readings, day, settings.backup, holdMs, maxGapMs);
  if (backup) result.backup = backup;
  return result;
}
