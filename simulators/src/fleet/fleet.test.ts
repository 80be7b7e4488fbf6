/**
 * The fleet's readings are what ingestion accepts (through its own reference decoder, zod included), and
 * a small fleet runs against the real service into the run's influxd: every batch stored, one per site
 * and period, under each site's own institution.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInfluxStore, decodeLineBatch, startIngestion } from "@jisr/ingestion";
import { influxQuery } from "@jisr/ingestion/testing";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { makeFleet, runFleet, siteLines } from "./fleet.js";

describe("fleet", () => {
  it("posts 5 valid points of 10 fields per site, PV following the sun (0 at night, > 0 at noon)", () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-fleet-"));
    try {
      const [site] = makeFleet(1, join(dir, "t.json"), 10_000);
      if (!site) throw new Error("no site");
      const noon = Date.UTC(2026, 5, 21, 12, 30);
      const night = Date.UTC(2026, 5, 21, 1, 0);
      for (const t of [noon, night]) {
        const batch = decodeLineBatch(siteLines(site, t, 10), "ms", 100, t);
        expect(batch.problems).toEqual([]);
        expect(batch.points).toHaveLength(5);
        expect(batch.points.every((p) => Object.keys(p.fields).length === 10)).toBe(true);
      }
      const power = (t: number) =>
        decodeLineBatch(siteLines(site, t, 10), "ms", 100, t).points[0]?.fields.power_w;
      expect(power(night)).toBe(0);
      expect(power(noon)).toBeGreaterThan(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs 30 sites with their own tokens through ingestion into influxd, every batch stored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-fleet-"));
    const database = uniqueDatabase("fleet");
    const store = createInfluxStore({ influxUrl: influxUrl(), database, logger: pino({ level: "silent" }) });
    const tokensFile = join(dir, "tokens.json");
    const sites = makeFleet(30, tokensFile, 1_000);
    const server = await startIngestion({ store, tokensFile, host: "127.0.0.1", port: 0, logger: false });
    try {
      const r = await runFleet({
        url: server.url,
        sites,
        periodMs: 1_000,
        durationMs: 3_000,
        timeScale: 600,
      });
      expect(r.errors).toEqual({});
      expect(r.offered).toBe(90);
      expect(r.ok).toBe(90);
      const rows = await influxQuery(
        influxUrl(),
        database,
        'SELECT count("power_w") FROM "pv_inverter" GROUP BY "institution"',
      );
      expect(rows).toHaveLength(30);
      expect(rows.every((row) => row.count === 6)).toBe(true);
    } finally {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
