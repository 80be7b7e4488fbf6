/**
 * What the solar heat saved. Fixture: the heat meter's counter gains 48 000 Wh between 10:00 and 16:00
 * local (8 kW); a butane heater rated 10 kW (useful output) burns from 06:00 to 06:30.
 * Butane settings: efficiency 0.8, 0.08 kg per kWh of gas, 12 kg bottles, default prices
 * (40 MAD until 19 May 2024; 50 MAD + 62 MAD subsidy from 20 May 2024).
 *   backup heat   = 10 kW × 0.5 h = 5 000 Wh            solar fraction = 48 000 / 53 000 = 90.566…% → 90.57
 *   gas avoided   = 48 000 / 0.8 = 60 000 Wh            butane avoided = 60 kWh × 0.08 = 4.8 kg = 0.4 bottle
 *   money saved   = 0.4 × 50 = 20.00 MAD               subsidy avoided = 0.4 × 62 = 24.80 MAD
 *   CO2 avoided   = 4.8 kg × 3.03 = 14.544 kg
 */
import { describe, expect, it } from "vitest";
import { hotWaterDaily } from "./daily.js";
import { type HotWaterSettingsInput, hotWaterSettingsSchema } from "./settings-schema.js";
import { at, constant, everyMinute, TZ } from "./testing/fixtures.js";
import type { HotWaterReadings } from "./types.js";

const BUTANE = { kind: "butane" as const, burnerPowerKw: 10, efficiency: 0.8, kgPerKwh: 0.08 };

function readings(day: string): HotWaterReadings {
  const counter = [
    ["00:00", 500_000],
    ["10:00", 500_000],
    ["12:00", 516_000],
    ["14:00", 532_000],
    ["16:00", 548_000],
    ["24:00", 548_000],
  ] as const;
  const burning = (t: number) => t >= at(day, "06:00") && t < at(day, "06:30");
  return {
    hotWater: { outlet_temperature_c: constant(day, 55), backup_heater_on: everyMinute(day, burning) },
    heatMeter: { energy_wh: counter.map(([hhmm, value]) => ({ time: at(day, hhmm), value })) },
  };
}

const run = (day: string, input: HotWaterSettingsInput) =>
  hotWaterDaily(readings(day), hotWaterSettingsSchema.parse(input), day, TZ);

describe("solar hot water savings", () => {
  it("butane: bottles avoided at the retail price, the state subsidy apart", () => {
    const r = run("2026-06-10", { backup: BUTANE });
    expect(r.fields).toMatchObject({
      solar_heat_wh: 48_000,
      backup_energy_wh: 5000,
      solar_fraction_pct: 90.57,
      backup_avoided_wh: 60_000,
      butane_avoided_kg: 4.8,
      savings_mad: 20,
      butane_subsidy_avoided_mad: 24.8,
      co2_avoided_kg: 14.544,
    });
    // The backup itself burnt 5 000 / 0.8 = 6 250 Wh of gas = 0.5 kg.
    expect(r.detail.systems[0]?.backup).toMatchObject({
      method: "burner",
      onMinutes: 30,
      inputWh: 6250,
      butaneKg: 0.5,
    });
    expect(r.detail.savings?.bottles).toBeCloseTo(0.4, 12);
  });

  it("butane: a past day keeps the price in force then (40 MAD, subsidy unknown)", () => {
    const r = run("2024-05-10", { backup: BUTANE });
    expect(r.fields.savings_mad).toBe(16);
    expect(r.fields).not.toHaveProperty("butane_subsidy_avoided_mad");
    // A contract price from 2026 applies on 2026 days: 0.4 × 55 = 22.00 MAD.
    const contract = { ...BUTANE, prices: [{ from: "2026-01-01", retailMad: 55, subsidyMad: 70 }] };
    expect(run("2026-06-10", { backup: contract }).fields).toMatchObject({
      savings_mad: 22,
      butane_subsidy_avoided_mad: 28,
    });
    expect(run("2025-12-31", { backup: contract }).fields).not.toHaveProperty("savings_mad");
  });

  it("electric: the kWh avoided go to the bill counterfactual, not priced here", () => {
    // 48 000 Wh / efficiency 1 = 48 000 Wh avoided; CO2 48 kWh × 0.7 (default grid factor) = 33.6 kg.
    const r = run("2026-06-10", {});
    expect(r.fields).toMatchObject({
      solar_heat_wh: 48_000,
      backup_avoided_wh: 48_000,
      co2_avoided_kg: 33.6,
    });
    expect(r.fields).not.toHaveProperty("savings_mad");
    expect(r.fields).not.toHaveProperty("butane_avoided_kg");
    // A configured grid factor: 48 kWh × 0.81 = 38.88 kg.
    expect(run("2026-06-10", { co2: { gridKgPerKwh: 0.81 } }).fields.co2_avoided_kg).toBe(38.88);
  });

  it("no solar heat, no savings fields", () => {
    const day = "2026-06-10";
    const r = hotWaterDaily(
      { hotWater: readings(day).hotWater },
      hotWaterSettingsSchema.parse({ backup: BUTANE }),
      day,
      TZ,
    );
    expect(r.fields.backup_energy_wh).toBe(5000);
    for (const f of [
      "solar_heat_wh",
      "solar_fraction_pct",
      "savings_mad",
      "co2_avoided_kg",
      "backup_avoided_wh",
    ]) {
      expect(r.fields).not.toHaveProperty(f);
    }
  });
});
