/**
 * Issue 9, "tenancy by construction", at the store: a FIELD named like a tag (`institution`, `device`),
 * written straight into InfluxDB by anyone (not through ingestion, which refuses it), must not change what
 * the store reads for another institution. On 1.x a bare `WHERE "institution" = 'a'` reads the field once
 * one exists in the shard, so every query the store builds names tags as `"key"::tag`.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import type { Point } from "../point.js";
import { InfluxStore } from "../store/influx-store.js";
import type { AggregateQuery } from "../store/types.js";

const A = "inst-a";
const B = "inst-b";
const T0 = Date.UTC(2026, 5, 1, 10);
const MIN = 60_000;

let store: InfluxStore;
let database: string;

function readings(institution: string, device: string, watts: number): Point[] {
  return Array.from({ length: 10 }, (_, i) => ({
    measurement: "pv_inverter",
    tags: { institution, device },
    fields: { power_w: watts + i, energy_wh: 1000 + 10 * i },
    time: T0 + i * MIN,
  }));
}

/** Straight into InfluxDB's /write, as an attacker with a database password (or an old ingestion) would. */
async function rawWrite(lines: string[]): Promise<void> {
  const res = await fetch(`${influxUrl()}/write?db=${database}&precision=ms`, {
    method: "POST",
    body: lines.join("\n"),
  });
  expect(res.status).toBe(204);
}

async function rawQuery(q: string): Promise<unknown> {
  const params = new URLSearchParams({ q, db: database, epoch: "ms" });
  const res = await fetch(`${influxUrl()}/query?${params}`);
  return ((await res.json()) as { results: Array<{ series?: unknown }> }).results[0]?.series ?? null;
}

const perDevice: AggregateQuery = {
  measurement: "pv_inverter",
  field: "power_w",
  fn: "mean",
  from: T0,
  to: T0 + 10 * MIN,
  everyMs: 5 * MIN,
  where: { institution: A },
  groupBy: ["institution", "device"],
};

async function snapshot() {
  return {
    aggregate: await store.aggregate(perDevice),
    oneDevice: await store.aggregate({ ...perDevice, where: { institution: A, device: "inv-2" } }),
    everyone: await store.aggregate({ ...perDevice, where: undefined, groupBy: ["institution"] }),
    latest: await store.latest({ measurement: "pv_inverter", where: { institution: A }, now: T0 + 10 * MIN }),
  };
}

beforeAll(async () => {
  database = uniqueDatabase("tenancy_store");
  store = new InfluxStore({ url: influxUrl(), database, logger: pino({ level: "silent" }) });
  await store.init();
  await store.write([
    ...readings(A, "inv-1", 1000),
    ...readings(A, "inv-2", 2000),
    ...readings(B, "inv-1", 500),
  ]);
});

afterAll(async () => {
  await store?.close();
});

describe("a stray field named like a tag changes nothing the store reads", () => {
  it("aggregates and latest rows of another institution are unchanged", async () => {
    const before = await snapshot();
    expect(before.aggregate.map((s) => s.tags)).toEqual([
      { institution: A, device: "inv-1" },
      { institution: A, device: "inv-2" },
    ]);
    expect(before.latest).toHaveLength(2);

    // B's series, with fields `institution` (a string naming A, to impersonate it) and `device`.
    await rawWrite([
      `pv_inverter,institution=${B},device=evil institution="${A}",device="inv-2" ${T0 + 2 * MIN}`,
      `pv_inverter,institution=${B},device=evil2 institution="${A}",device="inv-1" ${T0 + 9 * MIN}`,
    ]);
    // The hostile write is effective: a bare tag name now reads the field and finds none of A's rows.
    expect(
      await rawQuery(`SELECT count("power_w") FROM "pv_inverter" WHERE "institution" = '${A}'`),
    ).toBeNull();
    expect(
      await rawQuery(`SELECT count("power_w") FROM "pv_inverter" WHERE "institution"::tag = '${A}'`),
    ).not.toBeNull();

    const after = await snapshot();
    expect(after.aggregate).toEqual(before.aggregate);
    expect(after.oneDevice).toEqual(before.oneDevice);
    expect(after.oneDevice.map((s) => s.tags)).toEqual([{ institution: A, device: "inv-2" }]);
    expect(after.latest).toEqual(before.latest);
    // All institutions: the hostile rows carry no power_w, so B's figures and A's are what they were.
    expect(after.everyone).toEqual(before.everyone);
  });
});
