/**
 * Nothing lost on a bad link (issue 3): a real gateway polls a simulated inverter through the durable
 * queue while the ingestion service, then InfluxDB, goes away for a while. Once they are back, every
 * reading the gateway took is in InfluxDB, once per timestamp, with the value the simulator served.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfluxStore } from "@jisr/core/store";
import { type GatewayHandle, parseGatewayConfig, runGateway } from "@jisr/gateway";
import { addToken, type IngestionServer, startIngestion } from "@jisr/ingestion";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../servers/context.js";
import { findBinary } from "../servers/ensure-packages.js";
import { freePort } from "../servers/free-port.js";
import { launch, type RunningServer, startInfluxd } from "../servers/influxd.js";
import { query, storedTimes } from "./helpers/influx.js";
import { logSink, missing, pollCount, polledAt } from "./helpers/polls.js";

const INSTITUTION = "ehpad-ben-guerir";
const DEVICE = "inv-1";
const silent = pino({ level: "silent" });

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Site {
  sim: SunspecInverterHandle;
  gateway: GatewayHandle;
  log: ReturnType<typeof logSink>;
}

async function tokenIn(dir: string): Promise<string> {
  return (await addToken(join(dir, "tokens.json"), INSTITUTION)).token;
}

async function ingestionOn(store: InfluxStore, dir: string, port: number): Promise<IngestionServer> {
  return startIngestion({
    store,
    tokensFile: join(dir, "tokens.json"),
    host: "127.0.0.1",
    port,
    logger: silent,
  });
}

/** A simulated inverter (one sim minute per wall second, around noon) and a gateway polling it. */
async function startSite(dir: string, url: string, token: string): Promise<Site> {
  const sim = await startSunspecInverter({
    port: 0,
    unit: 1,
    kwp: 10,
    speed: 60,
    start: new Date("2026-06-21T12:00:00Z"),
  });
  cleanup.push(() => sim.close());
  const config = parseGatewayConfig(
    `
institution: ${INSTITUTION}
data_dir: ${join(dir, "gateway")}
uplink: { url: "${url}", token: "${token}", flush_interval: 200ms, timeout: 2s }
devices:
  - { id: ${DEVICE}, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 300ms, timeout: 1s }
`,
    { env: {} },
  );
  const log = logSink();
  const gateway = await runGateway(config, {
    logger: pino({ level: "debug" }, log),
    uplinkRetry: { initialMs: 200, maxMs: 1000 },
  });
  cleanup.push(() => gateway.stop());
  return { sim, gateway, log };
}

/** Waits until `n` more polls were queued than now. */
async function morePolls(site: Site, n: number): Promise<void> {
  const start = polledAt(site.log.text(), DEVICE).length;
  await vi.waitFor(() => expect(polledAt(site.log.text(), DEVICE).length).toBeGreaterThanOrEqual(start + n), {
    timeout: 10_000,
    interval: 50,
  });
}

/**
 * Stops the gateway (its last points are sent on the way out), then compares: every poll's pv_inverter
 * point is stored exactly at its timestamp, both MPPT inputs too, with the power the simulator served.
 */
async function expectEveryReading(site: Site, url: string, database: string): Promise<void> {
  await vi.waitFor(
    async () =>
      expect(missing(polledAt(site.log.text(), DEVICE), await storedTimes(url, database, DEVICE))).toEqual(
        [],
      ),
    { timeout: 15_000, interval: 200 },
  );
  await site.gateway.stop();
  expect(site.gateway.status().queue.points).toBe(0);
  const stamped = new Set(polledAt(site.log.text(), DEVICE));
  const polls = pollCount(site.log.text(), DEVICE);
  const rows = await query(
    url,
    database,
    `SELECT power_w FROM pv_inverter WHERE "device"::tag = '${DEVICE}'`,
  );
  expect(rows).toHaveLength(polls);
  for (const row of rows) expect(stamped.has(row.time as number), `${row.time} was logged`).toBe(true);
  const mppt = await query(
    url,
    database,
    `SELECT dc_power_w, mppt FROM pv_mppt WHERE "device"::tag = '${DEVICE}'`,
  );
  expect(mppt).toHaveLength(2 * polls);
  for (const row of rows) {
    // A point is stamped when the answer carrying its registers arrived: the simulator served that value
    // at that instant or shortly before (the request's time on the wire).
    const t = row.time as number;
    // Any snapshot in effect during the 2 s before the stamp (generous for a busy machine).
    const served = [
      site.sim.servedAt(t - 2000),
      ...site.sim.history.toArray().filter((s) => s.at > t - 2000 && s.at <= t),
    ];
    expect(
      served.some((s) => s !== undefined && Math.abs(s.values.W - (row.power_w as number)) < 1e-6),
      `${t}`,
    ).toBe(true);
  }
}

describe("nothing lost on a bad link (real ingestion, real InfluxDB)", () => {
  it("delivers every reading taken while the ingestion service was down, once it is back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-e2e-ingestion-down-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const database = uniqueDatabase("e2e_ingestion_down");
    const store = new InfluxStore({ url: influxUrl(), database });
    cleanup.push(() => store.close());
    const token = await tokenIn(dir);
    const port = await freePort();
    let ingestion = await ingestionOn(store, dir, port);
    cleanup.push(() => ingestion.close());
    const site = await startSite(dir, `http://127.0.0.1:${port}`, token);
    await vi.waitFor(
      async () => expect((await storedTimes(influxUrl(), database, DEVICE)).length).toBeGreaterThan(0),
      {
        timeout: 10_000,
        interval: 100,
      },
    );

    await ingestion.close();
    await vi.waitFor(() => expect(site.gateway.status().uplink.failures).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    await morePolls(site, 8);
    expect(site.gateway.status().uplink.last_error).toMatch(/cannot reach the server \(ECONNREFUSED\)/);
    expect(site.gateway.status().queue.points).toBeGreaterThan(0);

    ingestion = await ingestionOn(store, dir, port);
    await expectEveryReading(site, influxUrl(), database);
  });

  it("delivers every reading taken while InfluxDB was down (ingestion answering 503), once it is back", async () => {
    const bin = findBinary("influxd");
    if (!bin) throw new Error("influxd is not installed (Debian package: influxdb)");
    let influx: RunningServer = await startInfluxd();
    cleanup.push(() => influx.stop());
    const dir = mkdtempSync(join(tmpdir(), "jisr-e2e-influx-down-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const database = uniqueDatabase("e2e_influx_down");
    const store = new InfluxStore({ url: influx.url, database });
    cleanup.push(() => store.close());
    const token = await tokenIn(dir);
    const ingestion = await ingestionOn(store, dir, 0);
    cleanup.push(() => ingestion.close());
    const site = await startSite(dir, ingestion.url, token);
    await vi.waitFor(
      async () => expect((await storedTimes(influx.url, database, DEVICE)).length).toBeGreaterThan(0),
      {
        timeout: 10_000,
        interval: 100,
      },
    );

    // Stop influxd but keep its folder: it comes back on the same port with the same data.
    const exited = new Promise((resolve) => influx.process.once("exit", resolve));
    influx.process.kill("SIGTERM");
    await exited;
    await vi.waitFor(
      () => expect(site.gateway.status().uplink.last_error).toMatch(/^HTTP 503: JISR_ERR_STORE_UNAVAILABLE/),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    await morePolls(site, 5);
    const ping = async (url: string) => (await fetch(`${url}/ping`)).status === 204;
    influx = await launch(
      bin,
      ["-config", join(influx.dir, "influxdb.conf")],
      influx.dir,
      influx.port,
      "influxd",
      ping,
    );
    await expectEveryReading(site, influx.url, database);
  });
});
