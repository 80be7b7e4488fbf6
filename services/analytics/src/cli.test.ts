import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HOUR_MS, localDay } from "@jisr/core";
import { SqliteStore } from "@jisr/core/store";
import { Command } from "commander";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { registerAnalyticsCommands } from "./cli.js";
import { fixturePoints, TEST_TARIFF } from "./jobs/testing/job-fixture.js";

const TZ = "Africa/Casablanca";
const SHIPPED_TARIFF = fileURLToPath(new URL("../tariffs/srm-bt-domestic.yaml", import.meta.url));
const NOW = Date.UTC(2026, 10, 29, 12);
let dir: string;
let sqlite: string;
let institutions: string;

/** Runs `jisr ...args`; resolves with stdout, or rejects with the command's error and output. */
async function jisr(...args: string[]): Promise<string> {
  return (await jisrWithStderr(false, ...args)).out;
}

/** Runs `jisr ...args` with stderr a terminal or not; resolves with stdout and stderr. */
async function jisrWithStderr(isTTY: boolean, ...args: string[]): Promise<{ out: string; err: string }> {
  let out = "";
  let err = "";
  const program = new Command("jisr")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerAnalyticsCommands(program, {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY } },
    now: () => NOW,
  });
  try {
    await program.parseAsync(["node", "jisr", ...args]);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${err}\n${out}`);
  }
  return { out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-analytics-cli-"));
  sqlite = join(dir, "store.sqlite");
  institutions = join(dir, "institutions.yaml");
  writeFileSync(join(dir, "test-bt.yaml"), TEST_TARIFF);
  writeFileSync(
    institutions,
    `co2: { grid_factor_kg_per_kwh: 0.7, source: test }
institutions:
  site-a:
    name: { fr: Site A, ar: الموقع أ }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: test-bt.yaml
    pv: { inverters: [inv-1], max_power_w: 2000, tolerance_wh: 1 }
    grid_meter: { device: meter-1, max_power_w: 5000, tolerance_wh: 1 }
`,
  );
  // Readings on 1 to 3 September 2026 only (the fixture of jobs/testing/job-fixture.ts).
  const store = new SqliteStore({ path: sqlite, logger: pino({ level: "silent" }) });
  await store.init();
  const sep1 = localDay("2026-09-01", TZ).from;
  await store.write(
    fixturePoints(
      { from: sep1 - 3 * HOUR_MS, to: localDay("2026-09-03", TZ).to },
      localDay("2026-08-01", TZ).from,
    ),
  );
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("jisr savings", () => {
  it("prints both bills line by line and the savings", async () => {
    const text = await jisr(
      "savings",
      "--institution",
      "site-a",
      "--month",
      "2026-09",
      "--sqlite",
      sqlite,
      "--institutions",
      institutions,
    );
    // 3 days: import 33.6 → 34 kWh × 0.9010 = 30.634 → 30.63 TTC (VAT 30.63 × 20/120 = 5.105 → 5.11); without solar 33.6 + 16.8 = 50.4 → 50 kWh ×
    // 0.9010 = 45.05; bills differ by 14.42; export 7.2 kWh, 20 % of 24 kWh = 4.8 kWh paid × 0.50 = 2.40.
    expect(text).toContain("Savings of site-a (Site A), 2026-09, through 2026-09-30");
    expect(text).toContain("Readings present: 10.0 %"); // 3 days of 30
    expect(text).toMatch(
      /Bill with solar \(metered import\): 34 kWh billed, VAT 20 %\n {2}Tranche 1 \(0–100 kWh\) +34 kWh × 0.901 +TTC {2}HT +25\.52 {2}TVA +5\.11 {2}TTC +30\.63/,
    );
    expect(text).toMatch(
      /Bill without solar \(import \+ self-consumed PV\): 50 kWh billed[\s\S]*Total[^\n]*TTC +45\.05/,
    );
    expect(text).toContain("Bill savings        14.42 MAD");
    expect(text).toContain("Export income       2.40 MAD (4.800 of 7.200 kWh paid at 0.5 MAD/kWh)");
    expect(text).toContain("Savings             16.82 MAD");
    expect(text).toContain("Export share        30.0 % of the year's production (cap 20 %: over)");
  });

  it("prints JSON with --json", async () => {
    const json = JSON.parse(
      await jisr(
        "savings",
        "--institution",
        "site-a",
        "--month",
        "2026-09",
        "--json",
        "--sqlite",
        sqlite,
        "--institutions",
        institutions,
      ),
    );
    expect(json.savings.total).toBe(16.82);
    expect(json.energy.pvKwh).toBeCloseTo(24, 9);
    expect(json.savings.withoutSolar.lines).toHaveLength(1);
  });

  it("names what is wrong", async () => {
    await expect(
      jisr(
        "savings",
        "--institution",
        "nowhere",
        "--month",
        "2026-09",
        "--sqlite",
        sqlite,
        "--institutions",
        institutions,
      ),
    ).rejects.toThrow(/unknown institution "nowhere"; known: site-a/);
    await expect(
      jisr(
        "savings",
        "--institution",
        "site-a",
        "--month",
        "2026-9",
        "--sqlite",
        sqlite,
        "--institutions",
        institutions,
      ),
    ).rejects.toThrow(/month: must be a month YYYY-MM/);
    await expect(
      jisr("savings", "--institution", "site-a", "--month", "2026-09", "--institutions", institutions),
    ).rejects.toThrow(/give either --influx-url/);
  });
});

describe("jisr analytics run", () => {
  it("stores the results and reports what it did", async () => {
    const out = await jisr(
      "analytics",
      "run",
      "--from",
      "2026-09-01",
      "--to",
      "2026-09-03",
      "--sqlite",
      sqlite,
      "--institutions",
      institutions,
      "--log-level",
      "silent",
    );
    // 3 days × (energy, savings) + the two monthly points; no hot water at this site.
    expect(JSON.parse(out)).toMatchObject({ institutions: 1, months: 1, points: 8 });
    const store = new SqliteStore({ path: sqlite, logger: pino({ level: "silent" }) });
    await store.init();
    const [row] = await store.latest({
      measurement: "savings_monthly",
      groupBy: ["institution"],
      now: NOW,
      lookbackMs: 120 * 86_400_000,
    });
    expect(row?.fields.savings_mad).toBe(16.82);
    await store.close();
  });

  it("shows its progress on a terminal and logs one summary line per institution", async () => {
    const args = ["analytics", "run", "--from", "2026-08-01", "--to", "2026-09-03"];
    const where = ["--sqlite", sqlite, "--institutions", institutions];
    const tty = await jisrWithStderr(true, ...args, ...where);
    // August (31 days, no readings) then September's 3: the line is redrawn in place after each month.
    expect(tty.err).toContain("\r\x1b[2Kanalytics 2026-08: institutions 0/1, days 31/34 (91 %), ");
    expect(tty.err).toMatch(/analytics 2026-08: [^\r]*, ~\d+ s left/);
    expect(tty.err).toMatch(
      /analytics 2026-09: institutions 1\/1, days 34\/34 \(100 %\), \d+ s, ~0 s left\n$/,
    );
    const logs = tty.err
      .split(/[\r\n]/)
      .map((l) => l.replace("\x1b[2K", ""))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const summaries = logs.filter((l) => typeof l.msg === "string" && l.msg.startsWith("Institution "));
    expect(summaries).toHaveLength(1);
    // August: 31 energy_daily and an energy_monthly; readings start at 21:00 local on the 31st (3 h before
    // September), so the 31st and the month also get savings: 34 points. September as above: 8. Total 42.
    expect(summaries[0]).toMatchObject({
      institution: "site-a",
      months: 2,
      days: 34,
      points: 42,
      counter_anomalies: 0,
      msg: "Institution site-a: 34 day(s), 42 point(s), 0 counter decision(s)",
    });
    // Off a terminal (a log file, a pipe): whole log lines only, the same summary, no progress line.
    const piped = await jisrWithStderr(false, ...args, ...where);
    expect(piped.err).not.toContain("\r");
    expect(piped.err).not.toContain("analytics 2026-");
    expect(piped.err).toContain('"msg":"Institution site-a: 34 day(s), 42 point(s), 0 counter decision(s)"');
  });
});

describe("jisr tariff check", () => {
  it("accepts the shipped tariff and lists the figures to confirm", async () => {
    const out = await jisr("tariff", "check", SHIPPED_TARIFF);
    expect(out).toMatch(/srm-bt-domestic\.yaml: ok, billable from 2025-01/);
    expect(out).toMatch(
      /figure\(s\) to confirm:\n {2}- energy\.0\.selective\.0 \(line \d+\): third-party figure/,
    );
  });

  it("refuses a broken tariff, by path and line", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "id: x\nkind: bt-domestic\nname: X\ntime_zone: Africa/Casablanca\nvat: []\nenergy: []\n",
    );
    await expect(jisr("tariff", "check", bad)).rejects.toThrow(
      /bad\.yaml: \d+ problem\(s\)[\s\S]*- vat \(line 5\): must have at least one entry/,
    );
  });
});

describe("jisr influx setup", () => {
  it("prints what it would do, then does it on the real influxd", async () => {
    const database = uniqueDatabase("cli");
    const dry = await jisr(
      "influx",
      "setup",
      "--influx-url",
      influxUrl(),
      "--database",
      database,
      "--dry-run",
    );
    expect(dry).toMatch(
      /^InfluxDB 1\.6\.7[^\n]* \(1\.x\), database "cli_[0-9a-f]+"\nwould run: CREATE RETENTION POLICY "rp_1h"/,
    );
    expect(dry.match(/would run: CREATE CONTINUOUS QUERY/g)).toHaveLength(6);
    const done = await jisr("influx", "setup", "--influx-url", influxUrl(), "--database", database);
    expect(done.match(/^ran: /gm)).toHaveLength(7);
    const again = await jisr("influx", "setup", "--influx-url", influxUrl(), "--database", database);
    expect(again).not.toMatch(/ran: /);
    expect(again.match(/^in place: /gm)).toHaveLength(7);
    const rolled = await jisr(
      "influx",
      "downsample",
      "--from",
      "2026-11-01",
      "--to",
      "2026-11-02",
      "--influx-url",
      influxUrl(),
      "--database",
      database,
    );
    expect(rolled).toContain("rp_1h pv_inverter: 0 point(s) written");
  });
});
