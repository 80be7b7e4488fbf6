/**
 * The one contract every Store passes (Telegraf's buffer_suite_test.go pattern): run by
 * influx-store.test.ts against a real influxd and by sqlite-store.test.ts. Each test gets a fresh, empty
 * store from `makeStore`. Expected values are computed by hand from the fixture below.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Point } from "../point.js";
import { type AggregateFn, type Store, StoreRejectedError } from "./types.js";

/** Monday 2 November 2026, 00:00 UTC: a multiple of 5 minutes (and of 3 hours) since the epoch. */
export const T0 = Date.UTC(2026, 10, 2);
const MIN = 60_000;
const A = "dar-al-amal";
const B = "ehpad-ben-guerir";

function pv(institution: string, device: string, minute: number, power_w: number): Point {
  return { measurement: "pv", tags: { institution, device }, fields: { power_w }, time: T0 + minute * MIN };
}

/**
 * Buckets of 5 minutes from T0: b0 = [0, 5), b1 = [5, 10), b2 = [10, 15) minutes.
 *   A/inv-1: 10@0 20@1 30@2 | 40@5 50@7 | 60@10     (plus 999 just before T0 and at 15: outside)
 *   A/inv-2:  1@1           |  2@6
 *   B/inv-1: 100@3          |           | 200@12
 */
const FIXTURE: Point[] = [
  pv(A, "inv-1", -1, 999),
  pv(A, "inv-1", 0, 10),
  pv(A, "inv-1", 1, 20),
  pv(A, "inv-1", 2, 30),
  pv(A, "inv-1", 5, 40),
  pv(A, "inv-1", 7, 50),
  pv(A, "inv-1", 10, 60),
  pv(A, "inv-1", 15, 999),
  pv(A, "inv-2", 1, 1),
  pv(A, "inv-2", 6, 2),
  pv(B, "inv-1", 3, 100),
  pv(B, "inv-1", 12, 200),
];

const at = (minute: number, value: number) => ({ time: T0 + minute * MIN, value });

/** Per institution, per bucket (b0, b1, b2), from the table above. */
const EXPECTED: Record<AggregateFn, { a: number[]; b: number[] }> = {
  mean: { a: [61 / 4, 92 / 3, 60], b: [100, 200] },
  max: { a: [30, 50, 60], b: [100, 200] },
  min: { a: [1, 2, 60], b: [100, 200] },
  sum: { a: [61, 92, 60], b: [100, 200] },
  count: { a: [4, 3, 1], b: [1, 1] },
  first: { a: [10, 40, 60], b: [100, 200] },
  last: { a: [30, 50, 60], b: [100, 200] },
};

const window = { measurement: "pv", field: "power_w", from: T0, to: T0 + 15 * MIN, everyMs: 5 * MIN };

export function storeContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.init();
    });
    afterEach(async () => {
      await store.close();
    });

    it("answers ping, and init can run again", async () => {
      expect(await store.ping()).toBe(true);
      await store.init();
      expect(await store.ping()).toBe(true);
    });

    it("reads back what it wrote", async () => {
      const point = {
        measurement: "pv",
        tags: { institution: A, device: "inv-1" },
        fields: { power_w: 1234.5, energy_wh: 10 },
        time: T0,
      };
      await store.write([point]);
      expect(await store.latest({ measurement: "pv", now: T0 + MIN })).toEqual([
        { tags: point.tags, time: T0, fields: { power_w: 1234.5, energy_wh: 10 } },
      ]);
      expect(await store.aggregate({ ...window, fn: "count" })).toEqual([{ tags: {}, points: [at(0, 1)] }]);
    });

    it("replaces the fields a point sends at the same series and time, and keeps the others", async () => {
      const tags = { institution: A, device: "inv-1" };
      await store.write([{ measurement: "pv", tags, fields: { power_w: 1, energy_wh: 5 }, time: T0 }]);
      await store.write([{ measurement: "pv", tags, fields: { power_w: 2 }, time: T0 }]);
      const [row] = await store.latest({ measurement: "pv", now: T0 + MIN });
      expect(row?.fields).toEqual({ power_w: 2, energy_wh: 5 });
      expect(await store.aggregate({ ...window, fn: "count" })).toEqual([{ tags: {}, points: [at(0, 1)] }]);
      expect(await store.aggregate({ ...window, fn: "sum" })).toEqual([{ tags: {}, points: [at(0, 2)] }]);
    });

    it("is idempotent: replaying a batch after an outage changes nothing", async () => {
      await store.write(FIXTURE);
      await store.write(FIXTURE);
      const sums = await store.aggregate({ ...window, fn: "sum" });
      expect(sums).toEqual([{ tags: {}, points: [at(0, 161), at(5, 92), at(10, 260)] }]);
    });

    it.each(Object.keys(EXPECTED) as AggregateFn[])("aggregates %s per bucket and per group", async (fn) => {
      await store.write(FIXTURE);
      const result = await store.aggregate({ ...window, fn, groupBy: ["institution"] });
      const { a, b } = EXPECTED[fn];
      expect(result).toHaveLength(2);
      expect(result[0]?.tags).toEqual({ institution: A });
      expect(result[1]?.tags).toEqual({ institution: B });
      expectPoints(result[0]?.points, [at(0, a[0] as number), at(5, a[1] as number), at(10, a[2] as number)]);
      expectPoints(result[1]?.points, [at(0, b[0] as number), at(10, b[1] as number)]);
    });

    it("aligns buckets on the epoch, not on the start of the range", async () => {
      await store.write(FIXTURE);
      // 5-minute buckets, range from minute 6: the first bucket still starts at minute 5.
      const mid = await store.aggregate({ ...window, fn: "sum", from: T0 + 6 * MIN, to: T0 + 11 * MIN });
      expect(mid).toEqual([{ tags: {}, points: [at(5, 52), at(10, 60)] }]);
      // 7-minute buckets: T0 is 6 minutes past a multiple of 7 minutes since 1970, so they start at -6, 1, 8.
      const seven = await store.aggregate({ ...window, fn: "sum", everyMs: 7 * MIN });
      expect(seven).toEqual([{ tags: {}, points: [at(-6, 10), at(1, 243), at(8, 260)] }]);
    });

    it("filters by tags and groups by several tags", async () => {
      await store.write(FIXTURE);
      const perDevice = await store.aggregate({
        ...window,
        fn: "sum",
        where: { institution: A },
        groupBy: ["device"],
      });
      expect(perDevice).toEqual([
        { tags: { device: "inv-1" }, points: [at(0, 60), at(5, 90), at(10, 60)] },
        { tags: { device: "inv-2" }, points: [at(0, 1), at(5, 2)] },
      ]);
      const both = await store.aggregate({ ...window, fn: "max", groupBy: ["institution", "device"] });
      expect(both.map((s) => s.tags)).toEqual([
        { institution: A, device: "inv-1" },
        { institution: A, device: "inv-2" },
        { institution: B, device: "inv-1" },
      ]);
      const one = await store.aggregate({ ...window, fn: "sum", where: { institution: A, device: "inv-2" } });
      expect(one).toEqual([{ tags: {}, points: [at(0, 1), at(5, 2)] }]);
      expect(await store.aggregate({ ...window, fn: "sum", where: { institution: "nowhere" } })).toEqual([]);
      expect(await store.aggregate({ ...window, fn: "sum", measurement: "nothing_here" })).toEqual([]);
    });

    it("returns the newest point per device within the lookback and not after now", async () => {
      await store.write([
        ...FIXTURE.filter((p) => p.time < T0 + 15 * MIN),
        pv(B, "inv-2", -8 * 24 * 60, 7), // 8 days old: outside the default 7-day lookback
        pv(A, "inv-1", 30, 999), // after `now`
      ]);
      const now = T0 + 20 * MIN;
      const rows = await store.latest({ measurement: "pv", now });
      expect(rows).toEqual([
        { tags: { institution: A, device: "inv-1" }, time: T0 + 10 * MIN, fields: { power_w: 60 } },
        { tags: { institution: A, device: "inv-2" }, time: T0 + 6 * MIN, fields: { power_w: 2 } },
        { tags: { institution: B, device: "inv-1" }, time: T0 + 12 * MIN, fields: { power_w: 200 } },
      ]);
      const recent = await store.latest({ measurement: "pv", now, lookbackMs: 10 * MIN });
      expect(recent.map((r) => r.time)).toEqual([T0 + 10 * MIN, T0 + 12 * MIN]);
      const onlyB = await store.latest({
        measurement: "pv",
        now,
        where: { institution: B },
        lookbackMs: 9 * 86_400_000,
      });
      expect(onlyB.map((r) => [r.tags.device, r.fields.power_w])).toEqual([
        ["inv-1", 200],
        ["inv-2", 7],
      ]);
      const perInstitution = await store.latest({ measurement: "pv", now, groupBy: ["institution"] });
      expect(perInstitution.map((r) => [r.tags.institution, r.tags.device, r.time])).toEqual([
        [A, "inv-1", T0 + 10 * MIN],
        [B, "inv-1", T0 + 12 * MIN],
      ]);
    });

    it("stores string and boolean fields as they are", async () => {
      const fields = {
        status: 'Défaut "isolement"\nligne 2, a=b \\ fin',
        ok: false,
        on: true,
        power_w: 0,
        note: "",
      };
      await store.write([{ measurement: "pv", tags: { institution: A, device: "inv-1" }, fields, time: T0 }]);
      const [row] = await store.latest({ measurement: "pv", now: T0 });
      expect(row?.fields).toEqual(fields);
      expect(await store.aggregate({ ...window, field: "status", fn: "count" })).toEqual([
        { tags: {}, points: [at(0, 1)] },
      ]);
      await expect(store.aggregate({ ...window, field: "status", fn: "mean" })).rejects.toThrow(
        StoreRejectedError,
      );
    });

    it("stores tag values with spaces, commas, equals signs and quotes literally", async () => {
      const odd = `inv 1,institution=evil "x" it's`;
      await store.write([pv(A, odd, 0, 5), pv(A, "inv 1", 0, 7), pv(A, `it's "quoted"`, 1, 9)]);
      const rows = await store.latest({ measurement: "pv", now: T0 + MIN });
      expect(rows.map((r) => [r.tags.device, r.tags.institution, r.fields.power_w])).toEqual([
        ["inv 1", A, 7],
        [odd, A, 5],
        [`it's "quoted"`, A, 9],
      ]);
      const filtered = await store.aggregate({
        ...window,
        fn: "sum",
        where: { device: odd },
        groupBy: ["device"],
      });
      expect(filtered).toEqual([{ tags: { device: odd }, points: [at(0, 5)] }]);
      expect(await store.aggregate({ ...window, fn: "sum", where: { institution: "evil" } })).toEqual([]);
    });

    it("writes nothing from a batch that holds one invalid point", async () => {
      const bad = { ...pv(A, "inv-2", 1, 0), fields: { power_w: Number.NaN } };
      const write = store.write([pv(A, "inv-1", 0, 1), bad, pv(A, "inv-1", 2, 3)]);
      await expect(write).rejects.toThrow(StoreRejectedError);
      await expect(write).rejects.toThrow(/points\.1\.fields\.power_w/);
      const badTag = { ...pv(A, "inv-1", 3, 0), tags: { institution: A, device: "back\\slash" } };
      await expect(store.write([pv(A, "inv-1", 4, 1), badTag])).rejects.toThrow(/points\.1\.tags\.device/);
      expect(await store.latest({ measurement: "pv", now: T0 + 10 * MIN })).toEqual([]);
      expect(await store.aggregate({ ...window, fn: "count" })).toEqual([]);
    });

    it("refuses a field type conflict", async () => {
      await store.write([pv(A, "inv-1", 0, 1)]);
      const conflict = { ...pv(A, "inv-1", 1, 0), fields: { power_w: "high" } };
      await expect(store.write([conflict])).rejects.toThrow(/type conflict/);
      expect(await store.aggregate({ ...window, fn: "count" })).toEqual([{ tags: {}, points: [at(0, 1)] }]);
    });

    it("writes nothing from a batch whose last point conflicts with a stored field type", async () => {
      await store.write([pv(A, "inv-1", 0, 1)]);
      const conflict = { ...pv(B, "inv-1", 3, 0), fields: { power_w: true } };
      const write = store.write([pv(A, "inv-1", 1, 2), pv(A, "inv-2", 1, 3), conflict]);
      await expect(write).rejects.toThrow(StoreRejectedError);
      await expect(write).rejects.toThrow(/points\.2\.fields\.power_w/);
      expect(await store.aggregate({ ...window, fn: "count" })).toEqual([{ tags: {}, points: [at(0, 1)] }]);
    });

    it("writes nothing from a batch that changes a field's type within itself", async () => {
      const write = store.write([
        pv(A, "inv-1", 0, 1),
        { ...pv(A, "inv-1", 1, 0), fields: { power_w: "x" } },
      ]);
      await expect(write).rejects.toThrow(/type conflict/);
      expect(await store.aggregate({ ...window, fn: "count" })).toEqual([]);
    });

    it("writes a batch larger than one request", async () => {
      const points = Array.from({ length: 12_000 }, (_, i) => ({
        measurement: "pv",
        tags: { institution: A, device: "inv-1" },
        fields: { power_w: i },
        time: T0 + i * 1000,
      }));
      await store.write(points);
      const day = { ...window, from: T0, to: T0 + 86_400_000, everyMs: 86_400_000 };
      expect(await store.aggregate({ ...day, fn: "count" })).toEqual([{ tags: {}, points: [at(0, 12_000)] }]);
      expect(await store.aggregate({ ...day, fn: "sum" })).toEqual([
        { tags: {}, points: [at(0, 71_994_000)] },
      ]);
      expect(await store.aggregate({ ...day, fn: "last" })).toEqual([{ tags: {}, points: [at(0, 11_999)] }]);
    });

    it("refuses a query that is not valid, naming the problem", async () => {
      await expect(store.aggregate({ ...window, fn: "sum", to: T0 - 1 })).rejects.toThrow(
        /to: from must be before to/,
      );
      await expect(store.aggregate({ ...window, fn: "sum", everyMs: 0 })).rejects.toThrow(/everyMs/);
    });
  });
}

/** Bucket times exactly; values to 9 significant digits (mean is a float division on both stores). */
function expectPoints(
  actual: Array<{ time: number; value: number }> | undefined,
  expected: typeof actual,
): void {
  expect(actual?.map((p) => p.time)).toEqual(expected?.map((p) => p.time));
  actual?.forEach((p, i) => {
    expect(p.value).toBeCloseTo(expected?.[i]?.value as number, 9);
  });
}
