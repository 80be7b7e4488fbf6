/**
 * Temperatures read from hour statistics (temperature-window.ts) must give exactly the hot-water figures
 * that reading every minute gives. Three days of one water heater's outlet and mixed outlet, read every
 * 30 s, with hours that stay on one side of every threshold, hours that cross the service temperature,
 * the Legionella thresholds and the scald threshold, missing minutes and a silent hour, and the
 * controller's heat counter and the electric backup's meter (both read through counter-window.ts), each
 * with a spike and a dip: the daily results (every field and the detail behind them) are compared, on
 * SQLite and on InfluxDB, with those of a plain Store that has no hour statistics.
 */
import type { Point } from "@jisr/core";
import { HOUR_MS, localDay } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { InfluxStore, SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { hotWaterDaily } from "../hot-water/daily.js";
import { readHotWater } from "./hot-water-step.js";
import { summaryStep } from "./temperature-window.js";
import { fixtureConfig, SITE } from "./testing/job-fixture.js";

const logger = pino({ level: "silent" });
const TZ = "Africa/Casablanca";
const DAYS = ["2026-11-10", "2026-11-11", "2026-11-12"];
const FROM = localDay(DAYS[0] as string, TZ).from;
const TO = localDay(DAYS.at(-1) as string, TZ).to;

/** Outlet °C at `t`: a daily curve from 38 to 72 °C, so each threshold is crossed inside some hours. */
function outlet(t: number): number {
  const h = ((t - FROM) / HOUR_MS) % 24;
  return 55 + 17 * Math.sin((Math.PI * (h - 13)) / 12);
}

function points(): Point[] {
  const out: Point[] = [];
  let heat = 50_000;
  let backup = 7_000;
  for (let t = FROM - 3 * HOUR_MS; t < TO + 3 * HOUR_MS; t += 30_000) {
    const hour = ((((t - FROM) / HOUR_MS) % 24) + 24) % 24;
    if (hour >= 10 && hour < 14) heat += 500 / 120; // 500 W of solar heat, 10:00–14:00
    if (hour >= 1 && hour < 5) backup += 2000 / 120; // the electric backup, 2 kW from 01:00 to 05:00
    const k = (t - FROM) / 60_000;
    // Minutes 600–611 of the first day missing; hour 30 silent; one odd reading at minute 2000.
    if ((k >= 600 && k < 612) || (k >= 1800 && k < 1860)) continue;
    const v = k === 2000 ? 20 : outlet(t);
    out.push({
      measurement: "hot_water",
      tags: { institution: SITE, device: "swh-1" },
      fields: {
        outlet_temperature_c: v,
        mixed_outlet_temperature_c: Math.min(50, v - 8),
        // The controller's heat counter: a spike at minute 700, a reading 3 Wh back at minute 3500.
        heat_energy_wh: k === 700 ? heat + 9e6 : k === 3500 ? heat - 3 : heat,
        // The backup's meter: a spike at minute 1570 (02:10 on the second day), a reading 2 Wh back at 3000.
        backup_energy_wh: k === 1570 ? backup + 9e6 : k === 3000 ? backup - 2 : backup,
      },
      time: t,
    });
  }
  return out;
}

function plain(store: Store): Store {
  return {
    kind: store.kind,
    init: () => store.init(),
    write: (p) => store.write(p),
    aggregate: (q) => store.aggregate(q),
    latest: (q) => store.latest(q),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

describe("summaryStep", () => {
  it("is the widest step whose samples are all younger than the hold at every minute's midpoint", () => {
    // Hold in minutes → step: the oldest sample is step − ½ minute old at a midpoint, which must be < hold.
    expect([0.5, 1, 1.4, 1.5, 2.5, 4.5, 4.6, 5, 12, 180].map((m) => summaryStep(m * 60_000))).toEqual([
      1, 1, 1, 1, 2, 4, 5, 5, 12, 60,
    ]);
  });
});

describe.each([
  ["SQLite", () => new SqliteStore({ path: ":memory:", logger }) as Store],
  [
    "InfluxDB",
    () => new InfluxStore({ url: influxUrl(), database: uniqueDatabase("tempwindow"), logger }) as Store,
  ],
])("temperatures from hour statistics (%s)", (_, open) => {
  it("gives the hot-water days that every minute gives", async () => {
    const store = open();
    await store.init();
    try {
      await store.write(points());
      const config = fixtureConfig();
      const inst = config.institutions[0];
      const settings = inst?.hotWater?.settings;
      if (!inst || !settings) throw new Error("the job fixture has a water heater");
      const days = async (s: Store) => {
        const readings = await readHotWater(s, inst, FROM, TO, config.maxGapMs, logger);
        return DAYS.map((day) => hotWaterDaily(readings, settings, day, TZ));
      };
      const fast = await days(store);
      const slow = await days(plain(store));
      expect(fast).toEqual(slow);
      // The days are not trivial: some minutes available and some not, hygiene decided, scald minutes seen.
      const first = slow[0]?.fields;
      expect(first?.available_minutes).toBeGreaterThan(0);
      expect(first?.unavailable_minutes).toBeGreaterThan(0);
      expect(slow.map((d) => d.fields.scald_risk_minutes ?? 0).some((m) => m > 0)).toBe(true);
      // 500 W for 4 h a day, the silent hour (30, outside the heating hours) costing nothing.
      expect(slow.map((d) => d.fields.solar_heat_wh)).toEqual([2000, 2000, 2000]);
      // 2 kW for 4 h a night from the backup's meter, read through hour statistics too.
      expect(slow.map((d) => d.fields.backup_energy_wh)).toEqual([8000, 8000, 8000]);
      // A summed-up hour is given in fewer minutes the longer a reading holds (temperature-window.ts
      // summaryStep): the same days under holds that give steps of 1, 2, 4, 5 and 12 minutes, the silent
      // hour after the summed-up hour before it included.
      for (const sampleHoldMinutes of [1, 2.5, 4.5, 5, 12]) {
        const held = { ...settings, sampleHoldMinutes };
        const heldInst = { ...inst, hotWater: { ...inst.hotWater, settings: held } } as typeof inst;
        const heldDays = async (s: Store) => {
          const readings = await readHotWater(s, heldInst, FROM, TO, config.maxGapMs, logger);
          return DAYS.map((day) => hotWaterDaily(readings, held, day, TZ));
        };
        expect(await heldDays(store)).toEqual(await heldDays(plain(store)));
      }
    } finally {
      await store.close();
    }
  });
});
