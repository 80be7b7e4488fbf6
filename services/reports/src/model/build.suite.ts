/**
 * buildReport against a real store, run by build-sqlite.test.ts and build-influx.test.ts (one suite, every
 * Store). The fixture is testing/fixtures.ts; every expected number below is added up by hand from it.
 */
import { localMonth, MOROCCO_TZ } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertRecord } from "./alerts.js";
import { buildReport } from "./build.js";
import { dailySavingsPoints, INSTITUTIONS, monthlyPoints } from "./testing/fixtures.js";
import type { InstitutionReport, Report } from "./types.js";

const JAN_15_2027 = Date.UTC(2027, 0, 15);
const HOUR = 3_600_000;
const at = (day: string) => Date.parse(`${day}T10:00:00Z`);

const ALERTS: AlertRecord[] = [
  { institution: "dar-a", firingSince: at("2026-09-30"), resolvedAt: at("2026-10-01") }, // before Q4
  { institution: "dar-a", firingSince: at("2026-10-05"), resolvedAt: at("2026-10-05") + 2 * HOUR },
  { institution: "dar-a", firingSince: at("2026-11-01"), resolvedAt: at("2026-11-01") + 4 * HOUR },
  { institution: "dar-a", firingSince: at("2026-12-20"), resolvedAt: null }, // still open
  { institution: "dar-b", firingSince: at("2026-10-10"), resolvedAt: at("2026-10-10") + HOUR / 2 },
];

const history = {
  firedBetween: (from: number, to: number, institutions?: readonly string[]) =>
    ALERTS.filter(
      (a) =>
        (a.firingSince as number) >= from &&
        (a.firingSince as number) < to &&
        (!institutions || institutions.includes(a.institution)),
    ),
};

function inst(report: Report, id: string): InstitutionReport {
  const found = report.institutions.find((i) => i.id === id);
  if (!found) throw new Error(`no ${id} in the report`);
  return found;
}

export function buildSuite(name: string, makeStore: () => Promise<Store>): void {
  describe(`buildReport on ${name}`, () => {
    let store: Store;
    let q4: Report;

    beforeAll(async () => {
      store = await makeStore();
      await store.init();
      await store.write([...monthlyPoints(), ...dailySavingsPoints()]);
      q4 = await buildReport({
        store,
        period: "2026-Q4",
        institutions: INSTITUTIONS,
        alerts: history,
        now: JAN_15_2027,
      });
    });

    afterAll(async () => {
      await store?.close();
    });

    it("adds up the programme's money by hand, leaving September and January out", () => {
      // Electricity: dar-a 1234.56 + 1100.10 + 1000.01 = 3334.67; dar-b 640.33 + 300.20 = 940.53; ghost 99.99.
      expect(q4.totals.money.electricityMad).toBe(4375.19);
      // Hot water: dar-a 950.25 + 735.40 + 520.30.
      expect(q4.totals.money.hotWaterMad).toBe(2205.95);
      expect(q4.totals.money.totalMad).toBe(6581.14);
      expect(q4.totals.money.exportIncomeMad).toBe(18.25);
      // Apart: 600.10 + 465.20 + 330.75.
      expect(q4.totals.money.butaneSubsidyAvoidedMad).toBe(1396.05);
    });

    it("adds up energy, heat, hot water and CO2 by hand", () => {
      const t = q4.totals;
      expect(t.energy.pvKwh).toBeCloseTo(3000 + 900 + 100, 9);
      expect(t.energy.selfConsumedKwh).toBeCloseTo(2680 + 750 + 100, 9);
      expect(t.energy.selfConsumptionPct).toBeCloseTo((3530 / 4000) * 100, 9);
      expect(t.hotWater.solarHeatKwh).toBeCloseTo(2100, 9);
      expect(t.hotWater.backupKwh).toBeCloseTo(900, 9);
      // Each month's heat is 1 MWh, so the fractions 90, 70 and 50 weigh the same: 70 % = 2100 / 3000.
      expect(t.hotWater.solarFractionPct).toBeCloseTo(70, 9);
      // 24 000 available minutes against 6 000 unavailable ones.
      expect(t.hotWater.availabilityPct).toBeCloseTo(80, 9);
      expect(t.hotWater.hygieneDays).toBe(75);
      expect(t.hotWater.hygieneCheckedDays).toBe(90);
      expect(t.hotWater.butaneAvoidedKg).toBeCloseTo(186.9, 9);
      expect(t.co2.pvKg).toBeCloseTo(2100 + 630 + 70, 9);
      expect(t.co2.hotWaterKg).toBeCloseTo(566.31, 9);
      expect(t.co2.totalKg).toBeCloseTo(3366.31, 9);
    });

    it("weighs completeness by the days of each month and flags the institutions below 90 %", () => {
      const a = inst(q4, "dar-a");
      // Energy (31 × 1 + 30 × 0.95 + 31 × 1) / 92; hot water (31 × 0.99 + 30 × 0.9 + 31 × 1) / 92.
      expect(a.figures.completeness.energy).toBeCloseTo(90.5 / 92, 9);
      expect(a.figures.completeness.hotWater).toBeCloseTo(88.69 / 92, 9);
      expect(a.lowCompleteness).toBe(false);
      const b = inst(q4, "dar-b");
      // October whole, November half, December missing: (31 + 15 + 0) / 92.
      expect(b.figures.completeness.energy).toBeCloseTo(0.5, 9);
      expect(b.figures.completeness.hotWater).toBeUndefined();
      expect(b.lowCompleteness).toBe(true);
      expect(q4.totals.completeness.energy).toBeCloseTo((90.5 + 46 + 31) / 276, 9);
    });

    it("lists an institution that has results but is not in the file, and says so", () => {
      expect(q4.institutions.map((i) => i.id)).toEqual(["dar-a", "dar-b", "ghost"]);
      const ghost = inst(q4, "ghost");
      expect(ghost.listed).toBe(false);
      expect(ghost.figures.money.electricityMad).toBe(99.99);
      expect(ghost.figures.completeness.energy).toBeCloseTo(31 / 92, 9);
    });

    it("keeps each month apart, in order", () => {
      const a = inst(q4, "dar-a");
      expect(a.months.map((m) => [m.month, m.figures.money.electricityMad])).toEqual([
        ["2026-10", 1234.56],
        ["2026-11", 1100.1],
        ["2026-12", 1000.01],
      ]);
      const b = inst(q4, "dar-b");
      expect(b.months[2]?.figures.money.electricityMad).toBeUndefined();
      expect(b.months[2]?.figures.completeness.energy).toBe(0);
    });

    it("counts the alerts raised in the period and their mean time to resolve", () => {
      expect(inst(q4, "dar-a").alerts).toEqual({ raised: 3, resolved: 2, meanTimeToResolveHours: 3 });
      expect(inst(q4, "dar-b").alerts).toEqual({ raised: 1, resolved: 1, meanTimeToResolveHours: 0.5 });
      expect(q4.totalAlerts).toEqual({ raised: 4, resolved: 3, meanTimeToResolveHours: 6.5 / 3 });
    });

    it("equals the sum of savings_daily over the period, as the dashboards add it up", async () => {
      const series = await store.aggregate({
        measurement: "savings_daily",
        field: "savings_mad",
        fn: "sum",
        from: q4.period.from,
        to: q4.period.to,
        everyMs: q4.period.to - q4.period.from,
      });
      const daily = series.flatMap((s) => s.points).reduce((sum, p) => sum + p.value, 0);
      expect(q4.totals.money.electricityMad).toBeCloseTo(daily, 6);
    });

    it("gives one institution's month, and refuses an institution it does not know", async () => {
      const nov = await buildReport({
        store,
        period: "2026-11",
        institution: "dar-b",
        institutions: INSTITUTIONS,
        now: JAN_15_2027,
      });
      expect(nov.scope).toEqual({ kind: "institution", id: "dar-b" });
      expect(nov.institutions.map((i) => i.id)).toEqual(["dar-b"]);
      expect(nov.totals.money.electricityMad).toBe(300.2);
      expect(nov.totals.energy.pvKwh).toBeCloseTo(300, 9);
      expect(nov.institutions[0]?.lowCompleteness).toBe(true);
      expect(nov.totalAlerts).toBeUndefined();
      await expect(
        buildReport({ store, period: "2026-11", institution: "nope", institutions: INSTITUTIONS }),
      ).rejects.toThrow(/No institution "nope".*known: dar-a, dar-b/);
    });

    it("owes no data for months that had not begun when the report was made", async () => {
      const midNov = await buildReport({
        store,
        period: "2026-Q4",
        institutions: INSTITUTIONS,
        now: Date.UTC(2026, 10, 15),
      });
      expect(midNov.periodOver).toBe(false);
      // December does not count yet: (31 × 1 + 30 × 0.5) / 61.
      expect(inst(midNov, "dar-b").figures.completeness.energy).toBeCloseTo(46 / 61, 9);
    });

    it("finds a month that starts during Ramadan, when Morocco is on GMT", async () => {
      // 1 March 2026 falls in the GMT period (15 Feb to 22 Mar 2026): local midnight is 00:00 UTC.
      const march = localMonth("2026-03", MOROCCO_TZ).from;
      expect(march).toBe(Date.UTC(2026, 2, 1));
      await store.write([
        {
          measurement: "savings_monthly",
          tags: { institution: "dar-a" },
          fields: { savings_mad: 812.4, completeness: 1 },
          time: march,
        },
      ]);
      const report = await buildReport({ store, period: "2026-03", institutions: INSTITUTIONS });
      expect(report.totals.money.electricityMad).toBe(812.4);
    });
  });
}
