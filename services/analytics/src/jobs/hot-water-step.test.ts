/**
 * The job's pricing of an electric backup's avoided kWh, after the PV: two days of November 2026 with
 * metered hours built by hand, on the job fixture's test tariff (BT domestic TTC grid, VAT 20 %, no fee,
 * no levy: a bill is billed kWh × its bracket's price, rounded to the centime). Expected values are worked
 * out by hand below.
 *   bill(420) = 420 × 1.3817 (311-510) = 580.314 → 580.31
 *   bill(520) = 520 × 1.5958 (> 510)   = 829.816 → 829.82
 *   bill(530) = 530 × 1.5958           = 845.774 → 845.77
 *   bill(620) = 620 × 1.5958           = 989.396 → 989.40
 *   bill(630) = 630 × 1.5958           = 1005.354 → 1005.35
 */
import { HOUR_MS, localMonth } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { type HotWaterDaily, hotWaterDaily } from "../hot-water/daily.js";
import { monthToDate } from "./fields.js";
import { hotWaterMonth } from "./hot-water-step.js";
import type { MeteredCounter, MeteredEnergy } from "./metered.js";
import { fixtureConfig } from "./testing/job-fixture.js";

const TZ = "Africa/Casablanca";
const NOV = localMonth("2026-11", TZ);
const DAYS = ["2026-11-01", "2026-11-02"];
const inst = fixtureConfig().institutions[0] as ReturnType<typeof fixtureConfig>["institutions"][number];
const hotWaterSettings = (() => {
  const settings = inst.hotWater?.settings;
  if (settings?.backup.kind !== "electric") throw new Error("the job fixture has an electric backup");
  return settings;
})();

/** 48 hours from 1 Nov 00:00 local, `wh` in the hours given, 0 elsewhere. */
function counter(whAt: Record<number, number>, covered = true): MeteredCounter {
  const wh = Array.from({ length: 48 }, (_, h) => whAt[h] ?? 0);
  return { energy: { wh, covered: wh.map(() => covered), events: [] }, counts: new Map(), devices: [] };
}

/**
 * Day 1: 420 kWh imported (hour 0), 150 kWh produced and 50 exported (hour 12): 100 kWh self-consumed.
 * Day 2: nothing metered. Avoided backup: 100 kWh on day 1, 10 kWh on day 2.
 */
function metered(pv: "known" | "unknown" | "none"): MeteredEnergy {
  const m: MeteredEnergy = {
    from: NOV.from,
    hours: 48,
    readingIntervalMs: 60_000,
    import: counter({ 0: 420_000 }),
    export: counter({ 12: 50_000 }),
  };
  if (pv !== "none") m.pv = counter({ 12: 150_000 }, pv === "known");
  return m;
}

/** The two days as the hot-water helper leaves them (no readings), with the avoided Wh set. */
function days(): HotWaterDaily[] {
  return DAYS.map((day, i) => {
    const d = hotWaterDaily([], hotWaterSettings, day, TZ);
    d.fields.backup_avoided_wh = i === 0 ? 100_000 : 10_000;
    return d;
  });
}

const price = (m: MeteredEnergy, cached = days()) => hotWaterMonth(inst, [], NOV, DAYS, cached, m, TZ);

describe("hot water priced after the PV", () => {
  it("takes what remains of the joint saving once the PV's bill saving is counted", () => {
    const result = price(metered("known"));
    // Day 1, month to date: without PV 420 + 100 = 520 kWh, without either 520 + 100 = 620:
    //   989.40 − 829.82 = 159.58 (against the metered import alone it was 829.82 − 580.31 = 249.51).
    // Day 2: without either 520 + 110 = 630: 1005.35 − 829.82 = 175.53 to date, so 175.53 − 159.58 = 15.95.
    expect(result?.daily.map((d) => d.fields.savings_mad)).toEqual([159.58, 15.95]);
    expect(result?.monthly.fields.savings_mad).toBe(175.53);
    // The PV's part, as savings_* gets it: 829.82 − 580.31 = 249.51; with the hot water,
    // 249.51 + 175.53 = 425.04 = bill(630) − bill(420) = 1005.35 − 580.31, the joint saving.
    const to = NOV.from + 48 * HOUR_MS;
    const pv = monthToDate(metered("known"), inst.tariff, NOV, to, { producedKwh: 0, exportedKwh: 0 });
    expect(pv.savings?.billSavings).toBe(249.51);
  });

  it("takes the whole saving without a PV plant", () => {
    // Day 1: bill(520) − bill(420) = 829.82 − 580.31 = 249.51; day 2: bill(530) − bill(420) = 845.77 −
    // 580.31 = 265.46 to date, so 15.95.
    const result = price(metered("none"));
    expect(result?.daily.map((d) => d.fields.savings_mad)).toEqual([249.51, 15.95]);
    expect(result?.monthly.fields.savings_mad).toBe(265.46);
  });

  it("omits the saving while the PV's self-consumption is unknown, as savings_* omits the PV's", () => {
    const cached = days();
    // A day kept from an earlier run still carries its figure: it no longer holds.
    (cached[0] as HotWaterDaily).fields.savings_mad = 12.34;
    const result = price(metered("unknown"), cached);
    expect(result?.daily.map((d) => d.fields.savings_mad)).toEqual([undefined, undefined]);
    expect(result?.monthly.fields.savings_mad).toBeUndefined();
  });
});
