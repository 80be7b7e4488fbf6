import { fileURLToPath } from "node:url";
import { InfluxClient } from "@jisr/core/influx";
import { InfluxStore } from "@jisr/core/store";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { backfillDownsampling } from "./backfill.js";
import { DEFAULT_DOWNSAMPLING, loadDownsampling, parseDownsampling } from "./config.js";
import { adviceFor, plannedCqs, rollupSelect, shownDuration } from "./plan.js";
import { setupDownsampling } from "./setup.js";

const logger = pino({ level: "silent" });
const T = Date.UTC(2026, 10, 2, 10); // an hour start
const MIN = 60_000;

async function rows(client: InfluxClient, q: string) {
  const [result] = await client.query(q);
  return result?.series ?? [];
}

describe("downsampling: the InfluxQL", () => {
  it("keeps raw field names for mean and last, suffixes max and min, keeps every tag", () => {
    const r = loadDownsampling().rollups[0];
    if (!r) throw new Error("no rollup");
    expect(rollupSelect(r, "jisr", "grid_meter", { from: T, to: T + 3_600_000 })).toBe(
      'SELECT mean("power_w") AS "power_w", mean("voltage_v") AS "voltage_v", last("energy_import_wh") AS ' +
        '"energy_import_wh", last("energy_export_wh") AS "energy_export_wh", max("power_w") AS "power_w_max" ' +
        `INTO "jisr"."rp_1h"."grid_meter" FROM "grid_meter" WHERE time >= ${T}ms AND time < ${T + 3_600_000}ms ` +
        "GROUP BY time(1h), *",
    );
    const [cq] = plannedCqs(r, "jisr");
    expect(cq?.name).toMatch(/^jisr_rp_1h_pv_inverter_[0-9a-f]{8}$/);
    expect(cq?.create).toMatch(
      /^CREATE CONTINUOUS QUERY "jisr_rp_1h_pv_inverter_[0-9a-f]{8}" ON "jisr" RESAMPLE EVERY 1h FOR 6h BEGIN SELECT /,
    );
    expect(shownDuration("90d")).toBe("2160h0m0s");
    expect(shownDuration("INF")).toBe("0s");
  });

  it("ships an example file that is the defaults, written out", () => {
    const example = fileURLToPath(new URL("../../examples/downsampling.yaml", import.meta.url));
    expect(loadDownsampling(example)).toEqual(loadDownsampling());
  });

  it("refuses a config with a bad duration or an empty measurement, by path", () => {
    expect(() =>
      parseDownsampling({
        rollups: [
          {
            name: "rp_1h",
            every: "1h",
            duration: "1 year",
            resample_for: "6h",
            measurements: { pv_inverter: {} },
          },
        ],
      }),
    ).toThrow(
      /rollups\.0\.duration: must be "INF"[\s\S]*rollups\.0\.measurements\.pv_inverter: must list at least one field/,
    );
  });

  it("creates nothing on 2.x and 3.x and says how to downsample there", () => {
    const config = loadDownsampling();
    expect(adviceFor("2.x", config, "jisr").join("\n")).toMatch(
      /no continuous queries[\s\S]*aggregateWindow\(every: 1h/,
    );
    expect(adviceFor("3.x", config, "jisr").join("\n")).toMatch(/Processing Engine[\s\S]*Downsampler plugin/);
    expect(adviceFor("unknown", config, "jisr")[0]).toMatch(/nothing was created/);
  });
});

describe("downsampling on the real influxd 1.6.7", () => {
  it("creates the retention policy and the continuous queries, then finds them in place", async () => {
    const client = new InfluxClient({ url: influxUrl(), database: uniqueDatabase("ds"), logger });
    const config = loadDownsampling();
    const dry = await setupDownsampling({ client, config, logger, dryRun: true });
    expect(dry.actions.filter((a) => a.kind !== "unchanged")).toHaveLength(7);
    expect(await rows(client, "SHOW DATABASES").then((s) => s[0]?.values.flat())).not.toContain(
      client.database,
    );

    const first = await setupDownsampling({ client, config, logger });
    expect(first.server.generation).toBe("1.x");
    expect(first.actions.map((a) => a.kind)).toEqual([
      "create_retention_policy",
      ...Array(6).fill("create_continuous_query"),
    ]);
    const [policies] = await rows(client, `SHOW RETENTION POLICIES ON "${client.database}"`);
    expect(policies?.values.map((r) => [r[0], r[1], r[4]])).toEqual([
      ["autogen", "0s", true],
      ["rp_1h", "0s", false],
    ]);
    const cqs = (await rows(client, "SHOW CONTINUOUS QUERIES")).find((s) => s.name === client.database);
    expect(cqs?.values.map((r) => r[0]).sort()).toEqual(
      plannedCqs(config.rollups[0] as never, client.database)
        .map((c) => c.name)
        .sort(),
    );

    const again = await setupDownsampling({ client, config, logger });
    expect(again.actions.every((a) => a.kind === "unchanged")).toBe(true);

    // A changed config: the rollup kept 400 days, and pv_inverter rolls up one more field.
    const changed = parseDownsampling({
      ...DEFAULT_DOWNSAMPLING,
      rollups: [
        {
          ...DEFAULT_DOWNSAMPLING.rollups[0],
          duration: "400d",
          measurements: {
            ...DEFAULT_DOWNSAMPLING.rollups[0]?.measurements,
            pv_inverter: { mean: ["power_w", "dc_voltage_v"] },
          },
        },
      ],
    });
    const third = await setupDownsampling({ client, config: changed, logger });
    expect(third.actions.filter((a) => a.kind !== "unchanged").map((a) => a.kind)).toEqual([
      "alter_retention_policy",
      "drop_continuous_query",
      "create_continuous_query",
    ]);
    const [after] = await rows(client, `SHOW RETENTION POLICIES ON "${client.database}"`);
    expect(after?.values.find((r) => r[0] === "rp_1h")?.[1]).toBe("9600h0m0s");
  });

  it("runs a continuous query's own SELECT ... INTO by hand over a range: hourly means as worked out by hand", async () => {
    const database = uniqueDatabase("ds");
    const client = new InfluxClient({ url: influxUrl(), database, logger });
    const store = new InfluxStore(client);
    await setupDownsampling({ client, config: loadDownsampling(), logger });
    // inv-a: power 100 + i W and counter 1000 + 10 i Wh at minute i (0..119); inv-b: 50 W all along.
    await store.write(
      Array.from({ length: 120 }, (_, i) => [
        {
          measurement: "pv_inverter",
          tags: { institution: "site-a", device: "inv-a" },
          fields: { power_w: 100 + i, energy_wh: 1000 + 10 * i },
          time: T + i * MIN,
        },
        {
          measurement: "pv_inverter",
          tags: { institution: "site-a", device: "inv-b" },
          fields: { power_w: 50, energy_wh: 7 },
          time: T + i * MIN,
        },
      ]).flat(),
    );
    // The CQ exactly as the server stores it, with a time range added before its GROUP BY.
    const cqs = (await rows(client, "SHOW CONTINUOUS QUERIES")).find((s) => s.name === database);
    const text = String(cqs?.values.find((r) => String(r[0]).includes("pv_inverter"))?.[1]);
    const select = /BEGIN (SELECT .*) END$/.exec(text)?.[1];
    expect(select, text).toBeDefined();
    await client.query(
      String(select).replace(
        " GROUP BY ",
        ` WHERE time >= ${T}ms AND time < ${T + 2 * 3_600_000}ms GROUP BY `,
      ),
    );
    const series = await rows(
      client,
      'SELECT "power_w", "power_w_max", "energy_wh" FROM "rp_1h"."pv_inverter" GROUP BY "device"',
    );
    // inv-a, hour 1: mean of 100..159 = 129.5, max 159, last counter 1000 + 590; hour 2: 189.5, 219, 2190.
    expect(series.map((s) => [s.tags.device, s.values])).toEqual([
      [
        "inv-a",
        [
          [T, 129.5, 159, 1590],
          [T + 3_600_000, 189.5, 219, 2190],
        ],
      ],
      [
        "inv-b",
        [
          [T, 50, 50, 7],
          [T + 3_600_000, 50, 50, 7],
        ],
      ],
    ]);

    // The backfill helper does the same for every measurement; rerunning it changes nothing.
    const results = await backfillDownsampling({
      client,
      config: loadDownsampling(),
      from: T + 5 * MIN,
      to: T + 100 * MIN,
      logger,
    });
    expect(results.find((r) => r.measurement === "pv_inverter")?.written).toBe(4);
    expect(
      await rows(client, 'SELECT count("power_w") FROM "rp_1h"."pv_inverter"').then(
        (s) => s[0]?.values[0]?.[1],
      ),
    ).toBe(4);
    await store.close();
  });
});
