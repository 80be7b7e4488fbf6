/**
 * `jisr influx doctor` on the real influxd (1.6.7): it finds the fields named like tags that a hostile
 * writer put straight into InfluxDB, with their series, exits 1, and the repair it prints, run statement
 * by statement, removes the keys while every good value (types included, other retention policies
 * included) stays; afterwards the doctor finds nothing and exits 0.
 */
import type { StatementResult } from "@jisr/core/influx";
import { InfluxClient } from "@jisr/core/influx";
import { Command, CommanderError } from "commander";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { registerAnalyticsCommands } from "../cli.js";
import { diagnose, REPAIR_RP, statementsOf } from "./doctor.js";

const A = "dar-a";
const B = "dar-b";
const WEEK = 7 * 86_400_000;
/** Two shard groups of the default (7-day) duration: the hostile points sit in the second only. */
const T1 = Date.UTC(2026, 5, 2, 10);
const T2 = T1 + WEEK;

let client: InfluxClient;
let database: string;

async function write(lines: string[], rp?: string): Promise<void> {
  const params = new URLSearchParams({ db: database, precision: "ms", ...(rp ? { rp } : {}) });
  const res = await fetch(`${influxUrl()}/write?${params}`, { method: "POST", body: lines.join("\n") });
  expect(res.status, await res.clone().text()).toBe(204);
}

/** `jisr influx doctor …`: its standard output (help included) and exit code. */
async function doctor(...args: string[]): Promise<{ out: string; code: number }> {
  let out = "";
  const program = new Command("jisr").exitOverride().configureOutput({
    writeOut: (s) => (out += s),
    writeErr: () => undefined,
  });
  registerAnalyticsCommands(program, {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => 0 } },
  });
  try {
    await program.parseAsync([
      "node",
      "jisr",
      "influx",
      "doctor",
      "--influx-url",
      influxUrl(),
      "--database",
      database,
      ...args,
    ]);
    return { out, code: 0 };
  } catch (err) {
    if (err instanceof CommanderError) return { out, code: err.exitCode };
    throw err;
  }
}

type Snapshot = Record<string, unknown>;

/**
 * Every series of every measurement in both retention policies, rows without time-less noise: the
 * colliding columns left out, and rows that held only those (the hostile points) dropped. Field types too.
 */
async function snapshot(): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const rp of ["autogen", "rp_1h"]) {
    const [keys] = await client.query(`SHOW FIELD KEYS FROM "${rp}"./.*/`);
    for (const s of keys?.series ?? []) {
      const types = s.values.filter((v) => v[0] !== "institution" && v[0] !== "device");
      out[`${rp}.${s.name} types`] = types;
      const [data] = (await client.query(
        `SELECT * FROM "${rp}"."${s.name}" GROUP BY *`,
      )) as StatementResult[];
      for (const series of data?.series ?? []) {
        const keep = series.columns
          .map((c, i) => [c, i] as const)
          .filter(([c]) => c !== "institution" && c !== "device");
        const rowsOf = series.values
          .map((row) => Object.fromEntries(keep.map(([c, i]) => [c, row[i]])))
          .filter((row) => Object.entries(row).some(([c, v]) => c !== "time" && v !== null));
        if (rowsOf.length > 0) out[`${rp}.${s.name} ${JSON.stringify(series.tags)}`] = rowsOf;
      }
    }
  }
  return out;
}

beforeAll(async () => {
  database = uniqueDatabase("doctor");
  client = new InfluxClient({ url: influxUrl(), database, logger: pino({ level: "silent" }) });
  await client.createDatabase();
  await client.query(`CREATE RETENTION POLICY "rp_1h" ON "${database}" DURATION INF REPLICATION 1`);
  await write([
    `pv_inverter,institution=${A},device=inv-1 power_w=1500,energy_wh=100,state="MPPT" ${T1}`,
    `pv_inverter,institution=${A},device=inv-1 power_w=1600,energy_wh=200,state="MPPT" ${T2}`,
    `pv_inverter,institution=${B},device=inv-1 power_w=700,energy_wh=50,state="MPPT" ${T2}`,
    `gateway_health,institution=${A},device=gw-1 queue_points=5i,online=true ${T1}`,
    `gateway_health,institution=${A},device=gw-1 queue_points=7i,online=false ${T2}`,
    `energy_daily,institution=${A} pv_energy_wh=8000 ${T2}`,
  ]);
  await write([`pv_inverter,institution=${A},device=inv-1 power_w=1550i ${T2}`], "rp_1h");
  // Hostile, straight into /write: B's series with fields named like the tags, and a field `device` in a
  // measurement that has no such tag (still a reserved name).
  await write([
    `pv_inverter,institution=${B},device=evil institution="${A}",device="inv-1" ${T2 + 60_000}`,
    `pv_inverter,institution=${B},device=inv-1 institution="${A}",power_w=710 ${T2 + 120_000}`,
    `energy_daily,institution=${B} device=1,pv_energy_wh=1 ${T2}`,
  ]);
});

afterAll(() => client?.close());

describe("jisr influx doctor", () => {
  it("--help says what the exit codes mean, with examples", async () => {
    const { out, code } = await doctor("--help");
    expect(code).toBe(0);
    expect(out).toContain("1 collisions found");
    expect(out).toMatch(/Examples:\n\s+jisr influx doctor --influx-url/);
  });

  it("finds each colliding field with its measurement and series", async () => {
    const d = await diagnose(client);
    const summary = d.collisions.map((c) => ({
      at: `${c.retentionPolicy}.${c.measurement}.${c.key}`,
      reason: c.reason,
      series: c.seriesCount,
      points: c.points,
      shards: c.shards.length,
    }));
    expect(summary).toEqual([
      { at: "autogen.energy_daily.device", reason: "reserved", series: 1, points: 1, shards: 1 },
      { at: "autogen.pv_inverter.device", reason: "tag and reserved", series: 1, points: 1, shards: 1 },
      { at: "autogen.pv_inverter.institution", reason: "tag and reserved", series: 2, points: 2, shards: 1 },
    ]);
    expect(d.collisions[2]?.series).toEqual([
      { device: "evil", institution: B },
      { device: "inv-1", institution: B },
    ]);
    // The hole it reports is real: a bare tag name reads the field, and counts B's impersonating row
    // (power_w 710) as A's instead of A's own two readings.
    const [bare] = await client.query(
      `SELECT count("power_w") FROM "pv_inverter" WHERE "institution" = '${A}'`,
    );
    expect(bare?.series[0]?.values[0]?.[1]).toBe(1);
  });

  it("exits 1 and prints a repair that works on influxd, then finds nothing and exits 0", async () => {
    const before = await snapshot();
    const { out, code } = await doctor();
    expect(code).toBe(1);
    expect(out).toContain('- "autogen"."pv_inverter": field "institution" (string)');
    expect(out).toContain("2 series, 2 point(s)");
    expect(out).toContain(`    device=evil institution=${B}`);
    expect(out).toContain(`DROP SERIES FROM "energy_daily" WHERE "institution"::tag = '${B}'`);
    const statements = statementsOf(out);
    expect(statements[0]).toBe(
      `CREATE RETENTION POLICY "${REPAIR_RP}" ON "${database}" DURATION INF REPLICATION 1`,
    );
    expect(statements.filter((s) => s.startsWith("DROP SHARD"))).toHaveLength(1);
    expect(statements.at(-1)).toBe(`DROP RETENTION POLICY "${REPAIR_RP}" ON "${database}"`);

    for (const s of statements) await client.query(s); // throws on any statement error

    const after = await snapshot();
    expect(after).toEqual(before);
    // Integers stayed integers, in both retention policies.
    expect(after["autogen.gateway_health types"]).toContainEqual(["queue_points", "integer"]);
    expect(after["rp_1h.pv_inverter types"]).toEqual([["power_w", "integer"]]);
    // The keys are gone, so even a bare tag name means the tag again.
    const [bare] = await client.query(
      `SELECT count("power_w") FROM "pv_inverter" WHERE "institution" = '${A}'`,
    );
    expect(bare?.series[0]?.values[0]?.[1]).toBe(2);
    expect((await diagnose(client)).collisions).toEqual([]);
    const clean = await doctor();
    expect(clean).toEqual({
      out: `database "${database}": no field key collides with a tag key (nor is named institution or device).\n`,
      code: 0,
    });
  });

  it("--json lists the collisions and the repair statements", async () => {
    await write([`hot_water,institution=${B},device=evil institution=0 ${T1}`]);
    const { out, code } = await doctor("--json");
    expect(code).toBe(1);
    const json = JSON.parse(out) as {
      collisions: Array<{ measurement: string; key: string; seriesCount: number }>;
      repair: string[];
    };
    expect(json.collisions.map((c) => [c.measurement, c.key, c.seriesCount])).toEqual([
      ["hot_water", "institution", 1],
    ]);
    expect(json.repair.some((s) => s.startsWith("DROP SHARD "))).toBe(true);
  });
});
