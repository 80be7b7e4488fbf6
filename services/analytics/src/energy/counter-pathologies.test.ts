/**
 * The counter pathologies a field engineer meets, one row each, with the month's total worked by hand.
 *
 * Every row is November 2026 (local, UTC+1 all month: 30 days = 720 h) of one lifetime counter read as the
 * job reads it: the last value of each 5 minutes, timed at the bucket's end (timeResolutionMs = 5 min), from
 * the first local midnight to the last, 8 640 intervals and 8 641 readings. The true power is constant, so
 * the true month is easy to work: a 1 200 W inverter makes 100 Wh per 5 minutes, 1 200 Wh an hour,
 * 28 800 Wh a day and 864 000 Wh in the month. Each row spoils some readings and says what the month then
 * totals, and which decisions (events) explain the difference, so that the figure can be traced.
 *
 * Limits (the job's PV inverter settings for a 6 kW plant): max power 6 000 W, tolerance 10 Wh, jitter
 * 5 Wh, gap 15 min, max gap 7 days (shortened from the default 45 so that it fits in a month). The largest
 * plausible rise between two readings 5 min apart is 6 000 W × (5 + 5) min / 60 + 10 = 1 010 Wh; 10 min
 * apart, 6 000 × 15 / 60 + 10 = 1 510 Wh.
 */
import { HOUR_MS, localMonth, MINUTE_MS } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { bill } from "../tariff/bill.js";
import { domestic } from "../tariff/testing/fixtures.js";
import { type CounterOptions, type CounterReading, counterIncrements, spreadIntoBins } from "./counter.js";

const NOV = localMonth("2026-11", "Africa/Casablanca");
const STEP = 5 * MINUTE_MS;
const STEPS = 8640; // 30 days × 288 five-minute intervals
const HOURS = 720;
const PER_DAY = 288;

const OPTIONS: CounterOptions = {
  maxPowerW: 6000,
  toleranceWh: 10,
  timeResolutionMs: STEP,
  jitterWh: 5,
  gapMs: 15 * MINUTE_MS,
  maxGapMs: 7 * 24 * HOUR_MS,
};

/** The true counter: `start` + `perStep` Wh at each 5-minute reading k = 0..8640. */
function readings(start: number, perStep: number): Array<CounterReading | undefined> {
  return Array.from({ length: STEPS + 1 }, (_, k) => ({
    time: NOV.from + k * STEP,
    value: start + perStep * k,
  }));
}

type Series = Array<CounterReading | undefined>;
const at = (s: Series, k: number) => (s[k] as CounterReading).value;
/** Reading k reads `value` instead. */
const read = (s: Series, k: number, value: number) => {
  s[k] = { time: NOV.from + k * STEP, value };
};
/** Readings [from, to) never arrived. */
const missing = (s: Series, from: number, to: number) => {
  for (let k = from; k < to; k++) s[k] = undefined;
};

/** The month's energy (Wh) as the job totals it: increments spread over the month's hours, summed. */
function month(s: Series, o: CounterOptions = OPTIONS) {
  const result = counterIncrements(
    s.filter((r): r is CounterReading => r !== undefined),
    o,
  );
  const hours = spreadIntoBins(result.increments, NOV.from, HOUR_MS, HOURS);
  return { hours, wh: hours.reduce((a, b) => a + b, 0), events: result.events };
}

interface Row {
  name: string;
  /** The spoiled readings of a 1 200 W inverter (100 Wh per reading) whose counter starts at `start`. */
  start: number;
  spoil: (s: Series) => void;
  options?: Partial<CounterOptions>;
  /** Hand-worked month total, Wh. */
  wh: number;
  /** The decisions that explain it, in order. */
  events: string[];
}

const TRUE_MONTH = 864_000; // 8 640 × 100 Wh
const BIG = 2_000_000; // an inverter that has run for a while
const K = 4000; // a reading in the middle of the month (the 14th, 21:20 local)

const ROWS: Row[] = [
  { name: "clean readings", start: BIG, spoil: () => {}, wh: TRUE_MONTH, events: [] },
  {
    // The counter crosses 30 × 65 536 = 1 966 080 (0x001E_0000) at reading 1000 (start 1 866 080). A read
    // torn between the two registers takes the new high word 0x001E with the old low word 0xFF9C of
    // 1 965 980 (0x001D_FF9C): 0x001E_FF9C = 2 031 516, 65 436 Wh too high, far above 1 010 Wh. The next
    // reading (1 966 180) is +200 Wh in 10 min from the one before (≤ 1 510): a spike, dropped. The
    // interval 999 → 1001 counts 200 Wh. Month: 864 000.
    name: "torn 32-bit read: new high word, old low word",
    start: 1_866_080,
    spoil: (s) => read(s, 1000, 0x001e_ff9c),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // The other tear at the same crossing: old high word 0x001D with the new low word 0x0000 of 1 966 080:
    // 0x001D_0000 = 1 900 544, 65 536 Wh too low; the next reading agrees with the one before: a spike.
    // Month: 864 000.
    name: "torn 32-bit read: old high word, new low word",
    start: 1_866_080,
    spoil: (s) => read(s, 1000, 0x001d_0000),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // The inverter restarts its counter during interval K: reading K is 40 Wh (made since the restart),
    // then 140, 240, ... Counted: 40 Wh instead of 100 for that interval (the 60 Wh before the restart are
    // in no register). Month: 864 000 − 60 = 863 940.
    name: "reset to 0 (counter restarted)",
    start: BIG,
    spoil: (s) => {
      for (let k = K; k <= STEPS; k++) read(s, k, 40 + 100 * (k - K));
    },
    wh: 863_940,
    events: ["reset"],
  },
  {
    // Reading K is exactly 0 (restarted at the read): interval K counts 0. Month: 864 000 − 100 = 863 900.
    name: "reset to exactly 0",
    start: BIG,
    spoil: (s) => {
      for (let k = K; k <= STEPS; k++) read(s, k, 100 * (k - K));
    },
    wh: 863_900,
    events: ["reset"],
  },
  {
    // The inverter is replaced by a new one whose counter reads 25 Wh (its factory test) at reading K: a
    // drop to a value that is plausible since the last reading (≤ 1 010) and agrees with none of the
    // readings before: a reset, counting 25 Wh for interval K. Month: 864 000 − 100 + 25 = 863 925.
    name: "meter replaced by a new one (small counter)",
    start: BIG,
    spoil: (s) => {
      for (let k = K; k <= STEPS; k++) read(s, k, 25 + 100 * (k - K));
    },
    wh: 863_925,
    events: ["reset"],
  },
  {
    // Replaced by a refurbished meter at 3 500 000 Wh: a jump no 5 minutes can make, confirmed by the next
    // reading (+100): rebaselined, interval K counts 0 and the jump is reported as left out.
    // Month: 864 000 − 100 = 863 900.
    name: "meter replaced by a used one (higher index)",
    start: BIG,
    spoil: (s) => {
      for (let k = K; k <= STEPS; k++) read(s, k, 3_500_000 + 100 * (k - K));
    },
    wh: 863_900,
    events: ["rebaseline"],
  },
  {
    // Replaced by a used meter at 800 000 Wh, below the old index (2 399 900) and far from 0: rebaselined.
    // Month: 863 900.
    name: "meter replaced by a used one (lower index)",
    start: BIG,
    spoil: (s) => {
      for (let k = K; k <= STEPS; k++) read(s, k, 800_000 + 100 * (k - K));
    },
    wh: 863_900,
    events: ["rebaseline"],
  },
  {
    // Reading K reads 5 MWh high: a spike (the next agrees with K − 1). Month: 864 000.
    name: "spike up, far above the physical limit",
    start: BIG,
    spoil: (s) => read(s, K, at(s, K) + 5_000_000),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // Reading K reads 1 000 Wh high: a rise of 1 100 Wh in 5 min > 1 010: a spike. Month: 864 000.
    name: "spike up, just above the physical limit",
    start: BIG,
    spoil: (s) => read(s, K, at(s, K) + 1000),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // Reading K reads 600 Wh high: a rise of 700 Wh in 5 min is possible (≤ 1 010), so it is counted at
    // first. Reading K + 1 falls 500 Wh below it, and K + 2 agrees with K + 1: the fall is real and K + 1
    // is a plausible rise of 200 Wh in 10 min from K − 1, so the rise to K is taken back (700 counted,
    // replaced by 200 over K − 1 → K + 1: 500 Wh retracted). Before the fix the fall was taken as a meter
    // swap and the 600 Wh stayed in the month. Month: 864 000.
    name: "spike up, below the physical limit (taken back)",
    start: BIG,
    spoil: (s) => read(s, K, at(s, K) + 600),
    wh: TRUE_MONTH,
    events: ["retracted"],
  },
  {
    // Two consecutive reads 600 Wh high (a garbled register read twice): K − 1 → K +700, K → K + 1 +100,
    // then K + 2 falls back and agrees with K − 1 (+300 in 15 min ≤ 2 010): 800 Wh taken back, 300
    // counted over K − 1 → K + 2. Month: 864 000.
    name: "spike up below the limit, held for two readings",
    start: BIG,
    spoil: (s) => {
      read(s, K, at(s, K) + 600);
      read(s, K + 1, at(s, K + 1) + 600);
    },
    wh: TRUE_MONTH,
    events: ["retracted"],
  },
  {
    // A new inverter installed at midnight on the 1st: its counter starts at 0. Reading 3 reads 900 Wh
    // instead of 300 (+700, plausible), reading 4 reads the true 400. Before the fix 400 ≤ 1 010 passed for
    // "energy since a reset" and was counted again (+600 +300: 864 900). Now 400 agrees with reading 2 (300)
    // and reading 5 agrees with 400: the rise is taken back. Month: 864 000.
    name: "spike up below the limit on a new meter (small counter)",
    start: 0,
    spoil: (s) => read(s, 3, 900),
    wh: TRUE_MONTH,
    events: ["retracted"],
  },
  {
    // Reading K reads 3 Wh below K − 1: jitter, counts 0 and K − 1 stays the reference; K + 1 then counts
    // +200 from it. Month: 864 000.
    name: "spike down, within the jitter",
    start: BIG,
    spoil: (s) => read(s, K, at(s, K - 1) - 3),
    wh: TRUE_MONTH,
    events: [],
  },
  {
    // Reading K reads 50 Wh below K − 1 (beyond the 5 Wh jitter): K + 1 agrees with K − 1: a spike.
    // Month: 864 000.
    name: "spike down, beyond the jitter",
    start: BIG,
    spoil: (s) => read(s, K, at(s, K - 1) - 50),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // A zero read: K + 1 agrees with K − 1, so it is a spike, not a reset. Month: 864 000.
    name: "spike down to 0 (a zero read)",
    start: BIG,
    spoil: (s) => read(s, K, 0),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // A new meter (counter from 0) reads 20 Wh at reading 5 instead of 500: 20 ≤ 1 010 would pass for a
    // reset, but reading 6 (600) agrees with reading 4 (400): a spike. Month: 864 000.
    name: "spike down on a new meter (small counter)",
    start: 0,
    spoil: (s) => read(s, 5, 20),
    wh: TRUE_MONTH,
    events: ["spike"],
  },
  {
    // The register freezes for 2 h (readings K .. K + 23 all read the value of K), then catches up at
    // K + 24. The jump of 2 400 Wh in 5 min is impossible, but the next reading confirms it and it is
    // plausible since the counter stopped moving (2 400 Wh in 2 h ≤ 6 000 W × 2 h 5 min + 10): the frozen
    // readings' zero increments are replaced by one of 2 400 Wh over K → K + 24, spread like a gap's.
    // Month: 864 000.
    name: "stuck counter that catches up",
    start: BIG,
    spoil: (s) => {
      for (let k = K + 1; k < K + 24; k++) read(s, k, at(s, K));
    },
    wh: TRUE_MONTH,
    events: ["stuck"],
  },
  {
    // Frozen from the 30th at 00:00 local (reading 29 × 288 = 8 352) to the end of the month: the counter
    // says nothing was made, and nothing can say otherwise yet (completeness stays 1: readings arrived).
    // Month: 8 352 × 100 = 835 200.
    name: "stuck counter to the end of the month",
    start: BIG,
    spoil: (s) => {
      for (let k = 29 * PER_DAY + 1; k <= STEPS; k++) read(s, k, at(s, 29 * PER_DAY));
    },
    wh: 835_200,
    events: [],
  },
  {
    // Readings K and K + 1 missing: 10 min between K − 1 and K + 2 (under the 15 min gap), +300 Wh ≤ 2 010.
    // Month: 864 000.
    name: "gap of 10 minutes",
    start: BIG,
    spoil: (s) => missing(s, K, K + 2),
    wh: TRUE_MONTH,
    events: [],
  },
  {
    // 3 h without readings (36 missing): one increment of 3 700 Wh over 3 h 5 min, spread over its hours.
    // Month: 864 000.
    name: "gap of 3 hours",
    start: BIG,
    spoil: (s) => missing(s, K, K + 36),
    wh: TRUE_MONTH,
    events: ["gap"],
  },
  {
    // 2 days without readings (576 missing): 57 700 Wh over 2 days 5 min (plausible: ≤ 6 kW), spread.
    // Month: 864 000.
    name: "gap of 2 days",
    start: BIG,
    spoil: (s) => missing(s, K, K + 2 * PER_DAY),
    wh: TRUE_MONTH,
    events: ["gap"],
  },
  {
    // 8 days without readings, from reading 1000 (exclusive) to 1000 + 8 × 288 = 3304: longer than the
    // 7-day max gap, so the 8 × 28 800 = 230 400 Wh across it are left out (nobody can say when they were
    // made). Month: 864 000 − 230 400 = 633 600.
    name: "gap of 8 days (longer than max gap)",
    start: BIG,
    spoil: (s) => missing(s, 1001, 1000 + 8 * PER_DAY),
    wh: 633_600,
    events: ["gap_too_long"],
  },
  {
    // An acc32 in Wh wraps at 2^32: the counter starts at 2^32 − 500 030, so reading 5000 reads
    // 2^32 − 30 and reading 5001 reads 70 (2^32 + 70 wrapped). 30 + 70 = 100 Wh counted across the wrap.
    // Month: 864 000.
    name: "32-bit rollover",
    start: 2 ** 32 - 500_030,
    spoil: (s) => {
      for (let k = 5001; k <= STEPS; k++) read(s, k, at(s, k) - 2 ** 32);
    },
    options: { rolloverAtWh: 2 ** 32 },
    wh: TRUE_MONTH,
    events: ["rollover"],
  },
  {
    // The same counter with no rollover configured: the drop to 70 is a reset, counting 70 Wh for that
    // interval instead of 100. Month: 864 000 − 30 = 863 970.
    name: "32-bit rollover, not configured (taken as a reset)",
    start: 2 ** 32 - 500_030,
    spoil: (s) => {
      for (let k = 5001; k <= STEPS; k++) read(s, k, at(s, k) - 2 ** 32);
    },
    wh: 863_970,
    events: ["reset"],
  },
];

describe("counter pathologies: a month of a 1 200 W inverter, totals by hand", () => {
  it.each(ROWS)("$name", (row) => {
    const s = readings(row.start, 100);
    row.spoil(s);
    const { wh, events } = month(s, { ...OPTIONS, ...row.options });
    expect(wh).toBeCloseTo(row.wh, 6);
    expect(events.map((e) => e.kind)).toEqual(row.events);
  });

  it("reports what each decision did to the energy", () => {
    const spike = readings(BIG, 100);
    read(spike, K, at(spike, K) + 600);
    // 700 counted for K − 1 → K, replaced by 200 over K − 1 → K + 1: 500 Wh taken back, one bad reading.
    expect(month(spike).events).toEqual([
      {
        kind: "retracted",
        time: NOV.from + (K + 1) * STEP,
        value: at(readings(BIG, 100), K + 1),
        reference: at(readings(BIG, 100), K) + 600,
        wh: 500,
        readings: 1,
      },
    ]);
    const stuck = readings(BIG, 100);
    for (let k = K + 1; k < K + 24; k++) read(stuck, k, at(stuck, K));
    const [event] = month(stuck).events;
    expect(event).toMatchObject({ kind: "stuck", wh: 2400, since: NOV.from + K * STEP });
    // Spread over the frozen 2 h like a gap: every hour still holds its 1 200 Wh.
    expect(new Set(month(stuck).hours.map((h) => Math.round(h)))).toEqual(new Set([1200]));
  });
});

describe("the month's bill for two of them (grid import, test tariff of DOMAIN.md)", () => {
  // A grid meter importing 300 W all month: 25 Wh per 5 min, 7 200 Wh a day, 216 kWh in November.
  const GRID: CounterOptions = { ...OPTIONS, maxPowerW: 40_000 };
  const kwhPerHour = (hours: number[]) =>
    hours.map((wh, h) => ({ start: NOV.from + h * HOUR_MS, kwh: wh / 1000 }));

  it("a new meter with a moderate bad reading: 216 kWh, 305.75 MAD", () => {
    const s = readings(0, 25);
    read(s, 3, 675); // +600 Wh above the true 75, plausible for 40 kW (≤ 6 677 Wh in 10 min): taken back
    const m = month(s, GRID);
    expect(m.wh).toBeCloseTo(216_000, 6);
    expect(m.events.map((e) => e.kind)).toEqual(["retracted"]);
    const b = bill(kwhPerHour(m.hours), domestic(), "2026-11");
    // 216 kWh > 210: the whole month at the 211-310 bracket, 216 × 1.1676 = 252.2016 → 252.20 TTC.
    // Fixed fee: 20.74 HT + 20 % VAT (4.148 → 4.15) = 24.89 TTC.
    // TPPAN (over 200 kWh), HT + 20 % VAT: 100 × 0.0847 = 8.47 (+1.69) = 10.16; 100 × 0.1271 = 12.71
    // (+2.54) = 15.25; 16 × 0.1695 = 2.712 → 2.71 (+0.542 → 0.54) = 3.25.
    // Total: 252.20 + 24.89 + 10.16 + 15.25 + 3.25 = 305.75 MAD. (Before the fix the same readings counted
    // 216.675 kWh, billed as 217: 253.37 + 24.89 + 10.16 + 15.25 + 3.46 = 307.13 MAD.)
    expect(b.kwh.total).toBe(216);
    expect(b.total.ttc).toBe(305.75);
  });

  it("a meter silent for 8 days (beyond max gap): 158.4 kWh billed as 158, 194.46 MAD", () => {
    const s = readings(5_000_000, 25);
    missing(s, 1001, 1000 + 8 * PER_DAY);
    const m = month(s, GRID);
    // 216 000 − 8 × 7 200 = 158 400 Wh; the gap_too_long event says 57 600 Wh were left out.
    expect(m.wh).toBeCloseTo(158_400, 6);
    expect(m.events).toMatchObject([{ kind: "gap_too_long", wh: 57_600 }]);
    const b = bill(kwhPerHour(m.hours), domestic(), "2026-11");
    // Billed in whole kWh: 158. Over 150, so selective: 158 × 1.0732 = 169.5656 → 169.57 TTC; fixed fee
    // 24.89 TTC; no TPPAN at or below 200 kWh. Total 169.57 + 24.89 = 194.46 MAD.
    expect(b.kwh.total).toBe(158);
    expect(b.total.ttc).toBe(194.46);
  });
});
