/**
 * The whole data path, every hop real: simulated SunSpec inverter (Modbus TCP) → runGateway → the
 * ingestion service (HTTP, gzip, bearer token) → InfluxDB. What InfluxDB holds must be what the
 * simulator served at the instant each point is stamped with.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfluxStore } from "@jisr/core/store";
import { addToken, type IngestionServer, startIngestion } from "@jisr/ingestion";
import { type ServedSnapshot, type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { parseGatewayConfig } from "../config/load.js";
import { type GatewayHandle, runGateway } from "./gateway.js";

const INSTITUTION = "ehpad-ben-guerir";
const DEVICE = "inv-e2e";
/** A point is stamped just before its registers are read; the read itself takes a few ms on loopback. */
const READ_WINDOW_MS = 250;

type Row = Record<string, unknown>;

async function query(database: string, q: string): Promise<Row[]> {
  const params = new URLSearchParams({ db: database, q, epoch: "ms" });
  const res = await fetch(`${influxUrl()}/query?${params}`, { method: "POST" });
  const body = (await res.json()) as {
    results: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  };
  const result = body.results[0];
  if (result?.error) throw new Error(`${q}: ${result.error}`);
  return (result?.series ?? []).flatMap((s) =>
    s.values.map((row) => Object.fromEntries(s.columns.map((c, i) => [c, row[i]]))),
  );
}

/** Every snapshot the simulator served at some instant in [t, t + READ_WINDOW_MS]. */
function servedAround(sim: SunspecInverterHandle, t: number): ServedSnapshot[] {
  const first = sim.servedAt(t);
  const later = sim.history.toArray().filter((s) => s.at > t && s.at <= t + READ_WINDOW_MS);
  return [...(first ? [first] : []), ...later];
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe("data path: simulator → gateway → ingestion → InfluxDB", () => {
  let sim: SunspecInverterHandle;
  let store: InfluxStore;
  let ingestion: IngestionServer;
  let gateway: GatewayHandle | undefined;
  let dir: string;
  const database = uniqueDatabase("gateway_e2e");
  const silent = pino({ level: "silent" });

  beforeAll(async () => {
    // Shortly after solar noon in Ben Guerir at midsummer, one sim minute per wall second: power is high
    // and changes between polls, so a point matched to the wrong instant would show.
    sim = await startSunspecInverter({
      port: 0,
      unit: 1,
      kwp: 10,
      speed: 60,
      start: new Date("2026-06-21T12:40:00Z"),
    });
    store = new InfluxStore({ url: influxUrl(), database });
    dir = mkdtempSync(join(tmpdir(), "jisr-gateway-e2e-"));
    const { token } = await addToken(join(dir, "tokens.json"), INSTITUTION);
    ingestion = await startIngestion({
      store,
      tokensFile: join(dir, "tokens.json"),
      host: "127.0.0.1",
      port: 0,
      logger: silent,
    });
    const config = parseGatewayConfig(
      `
institution: ${INSTITUTION}
gateway_id: gw-e2e
data_dir: ${join(dir, "gateway")}
uplink: { url: "${ingestion.url}", token: "${token}", flush_interval: 200ms }
devices:
  - { id: ${DEVICE}, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, unit: 1, interval: 700ms, timeout: 1s }
`,
      { env: {} },
    );
    gateway = await runGateway(config, { logger: silent });
  });

  afterAll(async () => {
    await gateway?.stop();
    await ingestion?.close();
    await store?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("stores pv_inverter power and energy as the simulator served them, tagged with institution and device", async () => {
    let rows: Row[] = [];
    await vi.waitFor(
      async () => {
        rows = await query(
          database,
          `SELECT power_w, energy_wh, institution, device FROM pv_inverter WHERE institution = '${INSTITUTION}'`,
        );
        expect(rows.length).toBeGreaterThanOrEqual(4);
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(gateway?.status().devices[0]).toMatchObject({ id: DEVICE, state: "online" });

    for (const row of rows) {
      expect(row).toMatchObject({ institution: INSTITUTION, device: DEVICE });
      const time = row.time as number;
      const candidates = servedAround(sim, time);
      expect(candidates.length, `simulator history at ${new Date(time).toISOString()}`).toBeGreaterThan(0);
      const match = candidates.find(
        (s) => close(row.power_w as number, s.values.W) && close(row.energy_wh as number, s.values.WH),
      );
      expect(
        match,
        `point at ${time}: ${JSON.stringify(row)} vs served ${JSON.stringify(candidates.map((s) => [s.values.W, s.values.WH]))}`,
      ).toBeDefined();
    }
    expect(rows.some((r) => (r.power_w as number) > 1000)).toBe(true);
    // Distinct instants: each poll is its own point, and energy only grows.
    const energies = rows.map((r) => r.energy_wh as number);
    expect(new Set(rows.map((r) => r.time)).size).toBe(rows.length);
    expect(energies).toEqual([...energies].sort((a, b) => a - b));
    expect(energies.at(-1)).toBeGreaterThan(energies[0] ?? Number.POSITIVE_INFINITY);
  });

  it("stores one pv_mppt series per MPPT input, mppt=1 and mppt=2, with the DC power served", async () => {
    await vi.waitFor(
      async () => {
        const tags = await query(
          database,
          `SHOW TAG VALUES FROM pv_mppt WITH KEY = "mppt" WHERE institution = '${INSTITUTION}'`,
        );
        expect(tags.map((t) => t.value).sort()).toEqual(["1", "2"]);
      },
      { timeout: 20_000, interval: 250 },
    );
    const rows = await query(
      database,
      `SELECT dc_power_w, mppt, device FROM pv_mppt WHERE institution = '${INSTITUTION}'`,
    );
    for (const row of rows) {
      expect(row.device).toBe(DEVICE);
      const index = Number(row.mppt) - 1;
      const served = servedAround(sim, row.time as number).map((s) => s.values.modules[index]?.DCW);
      expect(
        served.some((w) => w !== undefined && close(row.dc_power_w as number, w)),
        JSON.stringify({ row, served }),
      ).toBe(true);
    }
  });
});
