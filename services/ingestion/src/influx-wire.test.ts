/**
 * The byte path of the store (influx-wire.ts) on the run's real influxd: a batch larger than one write
 * goes in writes of at most 5 000 lines and all of it is stored; a refusal that is not about the points
 * keeps core's classification (503-type StoreMisconfiguredError naming the cause, not a 400).
 */
import { StoreMisconfiguredError, StoreRejectedError } from "@jisr/core/store";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { fastLineBytes } from "./batch/fast-bytes.js";
import { WireInfluxStore } from "./influx-wire.js";
import { startFakeInflux } from "./testing/fake-influx.js";
import { influxQuery } from "./testing/service.js";

const OWN = "ehpad-ben-guerir";
const LIMITS = { maxFields: 500, maxTags: 32 };
const T0 = Date.UTC(2026, 10, 1);
const closing: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closing) await close();
});

function body(points: number): Buffer {
  const lines: string[] = [];
  for (let n = 0; n < points; n++)
    lines.push(`pv_inverter,device=inv-${n % 7} power_w=${n}.5 ${T0 + n * 1000}`);
  return Buffer.from(lines.join("\n"));
}

describe("WireInfluxStore", () => {
  it("writes a 12 000-point batch in writes of at most 5 000 lines, and all of it is stored", async () => {
    const database = uniqueDatabase("wire");
    const store = new WireInfluxStore({ url: influxUrl(), database, logger: pino({ level: "silent" }) });
    closing.push(() => store.close());
    await store.init();
    const wire = fastLineBytes(body(12_000), "ms", 50_000, Date.now(), LIMITS, OWN);
    expect(wire?.parts.map((p) => p.count)).toEqual([5_000, 5_000, 2_000]);
    await store.writeWire([wire as NonNullable<typeof wire>]);
    const rows = await influxQuery(
      influxUrl(),
      database,
      `SELECT count(power_w) FROM pv_inverter WHERE institution = '${OWN}'`,
    );
    expect(rows).toEqual([expect.objectContaining({ count: 12_000 })]);
    // A type conflict with what is stored is refused before anything is written, every point named.
    const string = fastLineBytes(
      Buffer.from(`pv_inverter,device=inv-1 power_w="x" ${T0}`),
      "ms",
      10,
      0,
      LIMITS,
      OWN,
    );
    const refused = await store.writeWire([string as NonNullable<typeof string>]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreRejectedError);
    expect((refused as StoreRejectedError).problems?.[0]?.path).toBe("points.0.fields.power_w");
  });

  it("classifies InfluxDB's answers as core's client does: 401 is a setup problem, not the points' fault", async () => {
    const database = uniqueDatabase("wire");
    const influx = await startFakeInflux(database, "unauthorized");
    closing.push(() => influx.close());
    const store = new WireInfluxStore({ url: influx.url, database, logger: pino({ level: "silent" }) });
    closing.push(() => store.close());
    const wire = fastLineBytes(body(3), "ms", 10, 0, LIMITS, OWN);
    const err = await store.writeWire([wire as NonNullable<typeof wire>]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreMisconfiguredError);
    expect((err as Error).message).toMatch(/refused \(HTTP 401\): the credentials are wrong/);
    influx.mode = "ok";
    await store.writeWire([wire as NonNullable<typeof wire>]);
    expect(influx.lines).toHaveLength(3);
    expect(influx.lines[0]).toBe(`pv_inverter,device=inv-0,institution=${OWN} power_w=0.5 ${T0}`);
  });
});
