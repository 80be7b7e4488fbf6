/**
 * Reading counters from hour statistics (counter-window.ts) must give exactly what reading every bucket
 * gives: the same energy per hour, coverage, events, gaps, frozen periods and counts, for every counter
 * pathology. Each case writes ten days of one-minute readings of one inverter (1 200 W: 20 Wh a minute,
 * plausible rise between two 5-minute buckets 2 000 W × 10 min + 1 Wh ≈ 334 Wh), spoils some, and reads
 * them through readMetered on the real store both ways: with the store's hour statistics, and through a
 * plain Store without them (the path every bucket goes through).
 */
import type { Point } from "@jisr/core";
import { DAY_MS, HOUR_MS, localDay, MINUTE_MS } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { InfluxStore, SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { type MeteredEnergy, readMetered } from "./metered.js";
import { fixtureConfig, SITE } from "./testing/job-fixture.js";

const logger = pino({ level: "silent" });
const FROM = localDay("2026-11-10", "Africa/Casablanca").from;
const DAYS = 10;
const MINUTES = DAYS * 1440 + 6 * 60; // and 3 h of context on both sides
const START = FROM - 3 * HOUR_MS;

type Minutes = Array<number | undefined>;

interface Case {
  name: string;
  spoil: (m: Minutes) => void;
}

/** Minute k of day `day` (from FROM) at local time hh:mm. */
const at = (day: number, hh: number, mm: number) => 180 + day * 1440 + hh * 60 + mm;
/** Minute k reads `value` instead (a function of what it read). */
const set = (m: Minutes, k: number, value: (v: number) => number) => {
  m[k] = value(m[k] as number);
};
const gone = (m: Minutes, from: number, to: number) => {
  for (let k = from; k < to; k++) m[k] = undefined;
};

const CASES: Case[] = [
  { name: "clean readings", spoil: () => {} },
  { name: "spike up far above the limit", spoil: (m) => set(m, at(2, 10, 4), (_) => 9e9) },
  {
    name: "spike up below the limit (taken back)",
    spoil: (m) => set(m, at(2, 10, 4), (v) => v + 200),
  },
  {
    name: "spike up below the limit held for two buckets, at an hour's edge",
    spoil: (m) => {
      for (let k = at(3, 10, 54); k < at(3, 11, 5); k++) m[k] = (m[k] as number) + 200;
    },
  },
  { name: "spike down to 0", spoil: (m) => set(m, at(4, 12, 9), (_) => 0) },
  { name: "dip within the jitter", spoil: (m) => set(m, at(4, 12, 9), (v) => v - 50) },
  {
    name: "reset to a small value",
    spoil: (m) => {
      const base = m[at(5, 9, 0)] as number;
      for (let k = at(5, 9, 0); k < m.length; k++) m[k] = (m[k] as number) - base + 15;
    },
  },
  {
    name: "meter replaced by a used one (higher index)",
    spoil: (m) => {
      for (let k = at(5, 9, 0); k < m.length; k++) m[k] = (m[k] as number) + 5e6;
    },
  },
  {
    name: "stuck for 3 hours over a night's flat hours, then catching up",
    spoil: (m) => {
      const v = m[at(6, 8, 20)] as number;
      for (let k = at(6, 8, 20); k < at(6, 11, 33); k++) m[k] = v;
    },
  },
  { name: "gap of 10 minutes", spoil: (m) => gone(m, at(7, 13, 55), at(7, 14, 5)) },
  { name: "gap of 3 hours", spoil: (m) => gone(m, at(7, 13, 55), at(7, 16, 55)) },
  { name: "gap of 2 days", spoil: (m) => gone(m, at(1, 23, 0), at(3, 23, 0)) },
  { name: "missing at the window's start", spoil: (m) => gone(m, 0, at(0, 2, 0)) },
  {
    name: "torn read (high word)",
    spoil: (m) => set(m, at(8, 15, 59), (v) => v + 65536),
  },
  {
    name: "several spoils in one day",
    spoil: (m) => {
      m[at(9, 6, 1)] = 0;
      m[at(9, 6, 31)] = (m[at(9, 6, 31)] as number) + 100;
      gone(m, at(9, 7, 0), at(9, 7, 40));
      m[at(9, 9, 12)] = (m[at(9, 9, 12)] as number) - 3;
    },
  },
];

/** One-minute readings of a 1 200 W inverter whose PV only runs 06:00–18:00 local (flat nights). */
function minutes(): Minutes {
  const m: Minutes = [];
  let v = 1_000_000;
  for (let k = 0; k < MINUTES; k++) {
    const hour = Math.floor(((((k - 180) % 1440) + 1440) % 1440) / 60);
    if (hour >= 6 && hour < 18) v += 20;
    m.push(v);
  }
  return m;
}

function points(m: Minutes): Point[] {
  return m.flatMap((value, k) =>
    value === undefined
      ? []
      : [
          {
            measurement: "pv_inverter",
            tags: { institution: SITE, device: "inv-1" },
            fields: { energy_wh: value },
            time: START + k * MINUTE_MS + 7_000,
          },
        ],
  );
}

/** The store without its hour statistics: readMetered then reads every bucket. */
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

function comparable(m: MeteredEnergy) {
  const pv = m.pv;
  return {
    wh: pv?.energy.wh.map((x) => Math.round(x * 1e6) / 1e6),
    covered: pv?.energy.covered,
    anomalies: pv?.energy.anomalies,
    events: pv?.energy.events,
    counts: pv?.counts,
    gaps: pv?.gaps,
    refills: pv?.refills,
  };
}

async function run(store: Store, c: Case) {
  const m = minutes();
  c.spoil(m);
  await store.write(points(m));
  const config = fixtureConfig();
  const inst = config.institutions[0];
  if (!inst) throw new Error("fixture without institution");
  const cfg = { gapMs: config.gapMs, maxGapMs: config.maxGapMs };
  const to = FROM + DAYS * DAY_MS;
  const fast = await readMetered(store, inst, cfg, FROM, to);
  const slow = await readMetered(plain(store), inst, cfg, FROM, to);
  expect(comparable(fast)).toEqual(comparable(slow));
  return slow;
}

describe.each([
  ["SQLite", () => new SqliteStore({ path: ":memory:", logger }) as Store],
  [
    "InfluxDB",
    () => new InfluxStore({ url: influxUrl(), database: uniqueDatabase("counterwindow"), logger }) as Store,
  ],
])("counter readings from hour statistics (%s)", (_, open) => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: the same figures as every bucket", async (_n, c) => {
    const store = open();
    await store.init();
    try {
      const slow = await run(store, c);
      // The case does what it says: a decision or a gap explains each spoil the counter rules see (a dip
      // within the jitter, a gap shorter than the configured 15 minutes and missing context do not).
      const events = slow.pv?.energy.events ?? [];
      const quiet = [
        "clean readings",
        "dip within the jitter",
        "gap of 10 minutes",
        "missing at the window's start",
      ];
      expect(events.length > 0).toBe(!quiet.includes(c.name));
    } finally {
      await store.close();
    }
  });
});
