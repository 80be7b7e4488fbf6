import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../../test/servers/free-port.js";
import { parseGatewayConfig } from "../config/load.js";
import { runGateway } from "../run/gateway.js";
import { startRecordingServer } from "../uplink/testing/recording-server.js";
import { TodayPv } from "./today-pv.js";

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe("the gateway's local page (fr/ar/en), over HTTP", () => {
  it("shows today's PV, the devices online and the queue, in the language asked", async () => {
    const sim = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => sim.close());
    const server = await startRecordingServer();
    cleanup.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), "jisr-local-page-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const config = parseGatewayConfig(
      `
institution: ehpad-ben-guerir
data_dir: ${dir}
uplink: { url: "${server.url}", token: t0ken, flush_interval: 200ms }
local_page: { host: 127.0.0.1, port: ${port} }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 300ms }
`,
      { env: {} },
    );
    const gateway = await runGateway(config, { logger: pino({ level: "silent" }) });
    cleanup.push(() => gateway.stop());
    const base = `http://127.0.0.1:${port}`;

    await vi.waitFor(
      async () => {
        const s = (await (await fetch(`${base}/status.json`)).json()) as {
          devices: { id: string; online: boolean }[];
          pv: { inverters: number; power_w: number };
          queue_points: number;
        };
        expect(s.devices).toEqual([{ id: "inv-1", online: true }]);
        expect(s.pv.inverters).toBe(1);
        expect(typeof s.queue_points).toBe("number");
      },
      { timeout: 15_000, interval: 100 },
    );

    const ar = await fetch(`${base}/?lang=ar`);
    expect(ar.status).toBe(200);
    expect(ar.headers.get("content-language")).toBe("ar");
    const arText = await ar.text();
    expect(arText).toContain('<html lang="ar" dir="rtl">');
    expect(arText).toContain("الأجهزة المتصلة");
    expect(arText).toContain('<dd id="devices-online">1 / 1</dd>');

    const en = await (await fetch(`${base}/`, { headers: { "accept-language": "en-GB,en;q=0.9" } })).text();
    expect(en).toContain("PV production today");
    const fr = await (await fetch(`${base}/`)).text();
    expect(fr).toContain("Production PV aujourd'hui");
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: "POST" })).status).toBe(405);

    await gateway.stop();
    // Stopped with the gateway.
    await expect(fetch(`${base}/`)).rejects.toThrow();
  }, 40_000);
});

describe("TodayPv", () => {
  const point = (time: number, energy: number, power: number, device = "inv-1"): Point => ({
    measurement: "pv_inverter",
    tags: { institution: "x", device },
    fields: { energy_wh: energy, power_w: power },
    time,
  });
  // 5 Dec 2026, 08:00 and 12:00 UTC = 09:00 and 13:00 in Casablanca.
  const morning = Date.UTC(2026, 11, 5, 8);
  const noon = Date.UTC(2026, 11, 5, 12);

  it("sums each inverter's counter rise since its first reading of the local day", () => {
    const pv = new TodayPv();
    pv.record([point(morning, 1_000_000, 500), point(morning, 20_000, 100, "inv-2")]);
    pv.record([point(noon, 1_012_500, 4200), point(noon, 23_000, 900, "inv-2")]);
    expect(pv.summary(noon)).toEqual({ day: "2026-12-05", energy_wh: 15_500, power_w: 5100, inverters: 2 });
  });

  it("starts again at local midnight and leaves out a late reading of the day before", () => {
    const pv = new TodayPv();
    pv.record([point(noon, 1_000_000, 4000)]);
    // 23:30 UTC on the 5th is 00:30 on the 6th in Casablanca (UTC+1).
    const nextDay = Date.UTC(2026, 11, 5, 23, 30);
    pv.record([point(nextDay, 1_030_000, 0)]);
    pv.record([point(noon + 60_000, 1_031_000, 3900)]); // the 5th, sent late
    expect(pv.summary(nextDay)).toEqual({ day: "2026-12-06", energy_wh: 0, power_w: 0, inverters: 1 });
  });
});
