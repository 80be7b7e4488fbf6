import { describe, expect, it } from "vitest";
import { at, config, every, HOUR, input, MIN, poaWm2, reading, site } from "../testing/fixtures.js";
import type { Reading } from "../types.js";
import { swhBackupOnly } from "./backup-only.js";

const evening = at(20);
/** A day of 5-min readings from 06:00 to 20:00; `f` shapes each. */
const day = (f: (h: number) => Record<string, number | boolean>): Reading[] =>
  every(at(6), evening + 1, 5 * MIN, (t) => reading("hot_water", "swh-1", t, f((t - at(0)) / HOUR)));
const sun = (h: number) => Math.max(0, Math.sin((Math.PI * (h - 7.5)) / 12)); // 07:30-19:30 bell

describe("swh_backup_only", () => {
  it("fires when, on a sunny day, the pump never ran and the backup heated for hours", () => {
    const failed = day((h) => ({
      collector_temperature_c: 25 + 90 * sun(h),
      tank_bottom_temperature_c: 30,
      pump_on: false,
      backup_heater_on: h >= 9 && h < 12,
    }));
    const [r] = swhBackupOnly(input(failed, evening), config());
    expect(r?.summary.key).toBe("swh_backup_only.backup_only");
    expect(r?.evidence).toMatchObject({
      day: { value: "2026-04-20" },
      backup_on_min: { value: 180 },
      pump_on_min: { value: 0 },
    });
    expect(r?.since).toBe(at(0));
  });

  it("is fine when solar does the work (pump cycling, small ΔT, counter rising)", () => {
    const healthy = day((h) => ({
      collector_temperature_c: 40 + 8 * sun(h),
      tank_bottom_temperature_c: 35 + 2 * h,
      pump_on: sun(h) > 0.1,
      heat_energy_wh: 2_000_000 + 1000 * h,
      backup_heater_on: h >= 6 && h < 7,
    }));
    expect(swhBackupOnly(input(healthy, evening), config())[0]?.active).toBe(false);
  });

  it("fires 'backup_while_collector_hot' when the backup runs while the collector is 20 K above the tank", () => {
    const partial = day((h) => ({
      collector_temperature_c: 60,
      tank_bottom_temperature_c: 40,
      heat_energy_wh: 2_000_000 + 500 * h, // some solar heat still comes in
      backup_heater_on: h >= 10 && h < 11.5,
    }));
    expect(swhBackupOnly(input(partial, evening), config())[0]?.summary.key).toBe(
      "swh_backup_only.backup_while_collector_hot",
    );
  });

  it("needs a sunny day: with a sensor reading overcast, a cold collector is not a fault", () => {
    const s = site({ irradianceSensor: "wx-1" });
    const sensor = (sky: number) =>
      every(at(6), evening + 1, 5 * MIN, (t) =>
        reading("weather", "wx-1", t, { irradiance_w_per_m2: poaWm2(t, sky) }),
      );
    const cold = day((h) => ({
      collector_temperature_c: 25,
      tank_bottom_temperature_c: 30,
      pump_on: false,
      backup_heater_on: h >= 9 && h < 12,
    }));
    const cloudy = swhBackupOnly(input([...cold, ...sensor(0.3)], evening, { site: s }), config())[0];
    expect(cloudy?.active).toBe(false);
    expect(cloudy?.evidence.clear_sky_index?.value).toBeCloseTo(0.3, 1);
    // The same cold collector under a clear sky: the collector itself is not collecting.
    expect(swhBackupOnly(input([...cold, ...sensor(1)], evening, { site: s }), config())[0]?.active).toBe(
      true,
    );
  });

  it("borderline: 55 min of backup is under the 60 min", () => {
    const short = day((h) => ({
      collector_temperature_c: 25 + 90 * sun(h),
      tank_bottom_temperature_c: 30,
      pump_on: false,
      backup_heater_on: h >= 9 && h < 9 + 55 / 60,
    }));
    expect(swhBackupOnly(input(short, evening), config())[0]?.active).toBe(false);
  });

  it("judges yesterday until today has 4 sunny hours, and says nothing without readings", () => {
    const failed = day((h) => ({
      collector_temperature_c: 25 + 90 * sun(h),
      tank_bottom_temperature_c: 30,
      pump_on: false,
      backup_heater_on: h >= 9 && h < 12,
    }));
    const nextMorning = at(10, 0, 1);
    const [r] = swhBackupOnly(input(failed, nextMorning), config());
    expect(r?.evidence.day?.value).toBe("2026-04-20");
    expect(swhBackupOnly(input([], evening), config())).toEqual([]);
  });
});
