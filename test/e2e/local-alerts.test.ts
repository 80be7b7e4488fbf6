/**
 * Local alerts end to end (issue 13, "weeks alone"): a gateway whose uplink is dead, a SunSpec inverter
 * and a solar water heater controller on Modbus TCP, a real Mosquitto and a real HTTP receiver standing in
 * for the institution's LAN. The inverter trips, the controller's tank goes cold, the controller drops
 * off the bus: each alert reaches both recipients once, with the central alerts' French texts, and is
 * cleared once when its cause is gone; the local page shows what is raised.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATALOGUES } from "@jisr/core/alert-texts";
import type { LocalAlertMessage } from "@jisr/gateway";
import { parseGatewayConfig, runGateway } from "@jisr/gateway";
import { startProfileDevice, startSunspecInverter } from "@jisr/simulators";
import { connectAsync } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../servers/context.js";
import { freePort } from "../servers/free-port.js";

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The LAN's web service: records every POSTed alert. */
async function startReceiver(): Promise<{ url: string; got: LocalAlertMessage[]; close(): Promise<void> }> {
  const got: LocalAlertMessage[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      got.push(JSON.parse(body) as LocalAlertMessage);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    got,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const fr = CATALOGUES.fr;
const keyStatus = (ms: LocalAlertMessage[]) => ms.map((m) => `${m.key} ${m.status}`);

describe("local alerts on the institution's network", () => {
  it("tells an MQTT topic and a webhook once per raise and once per clear, with the central texts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-e2e-local-alerts-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const inverter = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => inverter.close());
    const heater = await startProfileDevice({
      profile: "generic-solar-controller",
      values: { tank_top_temperature_c: 56, collector_temperature_c: 61, tank_bottom_temperature_c: 40 },
      tickMs: 0,
    });
    cleanup.push(() => heater.close());
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const topic = `jisr/test-${process.pid}-${Date.now()}/alerts`;
    const listener = await connectAsync(mqttUrl());
    cleanup.push(() => listener.endAsync(true));
    const onTopic: LocalAlertMessage[] = [];
    listener.on("message", (_t, payload) =>
      onTopic.push(JSON.parse(payload.toString()) as LocalAlertMessage),
    );
    await listener.subscribeAsync(topic, { qos: 1 });
    const pagePort = await freePort();
    const deadUplink = await freePort(); // nothing listens: the Internet link is down all along

    const config = parseGatewayConfig(
      `
institution: ehpad-ben-guerir
data_dir: ${join(dir, "data")}
uplink: { url: "http://127.0.0.1:${deadUplink}", token: t0ken, flush_interval: 500ms }
local_page: { host: 127.0.0.1, port: ${pagePort}, price_mad_per_kwh: 1.4 }
local_alerts:
  language: fr
  mqtt: { url: "${mqttUrl()}", topic: "${topic}" }
  webhook: { url: "${receiver.url}" }
  offline_after: 2s
  clear_after: 1500ms
  hot_water: { for: 1s, demand_windows: [{ start: "00:00", end: "24:00" }] }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${inverter.port}, interval: 300ms }
  - { id: swh-1, profile: generic-solar-controller, host: 127.0.0.1, port: ${heater.port}, interval: 300ms, timeout: 300ms, retries: 0, offline_retry_max: 1s }
`,
      { env: {} },
    );
    const gateway = await runGateway(config, { logger: pino({ level: "silent" }) });
    cleanup.push(() => gateway.stop());
    const page = `http://127.0.0.1:${pagePort}`;
    const both = async (expected: string[]) =>
      vi.waitFor(
        () => {
          expect(keyStatus(receiver.got)).toEqual(expected);
          expect(keyStatus(onTopic)).toEqual(expected);
        },
        { timeout: 20_000, interval: 100 },
      );

    // All well: the page shows the hot water, and nobody is told anything.
    await vi.waitFor(
      async () => {
        const s = (await (await fetch(`${page}/status.json`)).json()) as {
          hot_water: { device: string; tank_top_c: number }[];
          devices: { online: boolean }[];
        };
        expect(s.hot_water).toEqual([expect.objectContaining({ device: "swh-1", tank_top_c: 56 })]);
        expect(s.devices.every((d) => d.online)).toBe(true);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(receiver.got).toEqual([]);

    // The inverter trips: one critical alert, the central text in French.
    inverter.setFault({ trip: true });
    await both(["inverter_fault:inv-1 firing"]);
    const trip = receiver.got[0] as LocalAlertMessage;
    expect(trip).toMatchObject({
      institution: "ehpad-ben-guerir",
      device: "inv-1",
      severity: "critical",
      language: "fr",
      summary: fr.summaries["inverter_fault.fault_state"]
        ?.replace("{device}", "inv-1")
        .replace("{state}", "FAULT"),
      action: fr.actions.read_inverter_display_and_restart,
    });
    expect(onTopic[0]).toEqual(trip);
    const raisedOnPage = (await (await fetch(`${page}/status.json`)).json()) as {
      alerts: { summary: string }[];
    };
    expect(raisedOnPage.alerts.map((a) => a.summary)).toEqual([trip.summary]);
    const frPage = await (await fetch(`${page}/`)).text();
    expect(frPage).toContain(trip.summary.replaceAll("'", "&#39;"));
    expect(frPage).toContain("Économie estimée aujourd'hui");
    expect(frPage).toMatch(/<dd id="hot-water">swh-1: 56 °C/);

    // The tank goes cold in the (all-day) demand window: raised after `for`, once.
    heater.set("tank_top_temperature_c", 38);
    await both(["inverter_fault:inv-1 firing", "swh_tank_cold:swh-1 firing"]);
    expect(receiver.got[1]?.summary).toBe(
      fr.summaries["swh_tank_cold.cold"]
        ?.replace("{device}", "swh-1")
        .replace("{temperature_c}", "38")
        .replace("{demand_window}", "00:00-24:00")
        .replace("{service_temperature_c}", "45"),
    );

    // The inverter is reset and the tank heats up: each cleared once.
    inverter.setFault({ trip: false });
    heater.set("tank_top_temperature_c", 52);
    await vi.waitFor(
      () => {
        for (const got of [receiver.got, onTopic])
          expect(keyStatus(got).slice(2).sort()).toEqual([
            "inverter_fault:inv-1 resolved",
            "swh_tank_cold:swh-1 resolved",
          ]);
      },
      { timeout: 20_000, interval: 100 },
    );
    const resolved = receiver.got.find((m) => m.key === "inverter_fault:inv-1" && m.status === "resolved");
    expect(resolved?.summary).toBe(fr.summaries["inverter_fault.ok"]?.replace("{device}", "inv-1"));

    // The controller drops off the bus, and comes back.
    await heater.setOnline(false);
    await vi.waitFor(() => expect(keyStatus(receiver.got).slice(4)).toEqual(["device_silent:swh-1 firing"]), {
      timeout: 20_000,
      interval: 100,
    });
    expect(receiver.got[4]?.summary).toContain("swh-1");
    await heater.setOnline(true);
    await vi.waitFor(
      () =>
        expect(keyStatus(receiver.got).slice(4)).toEqual([
          "device_silent:swh-1 firing",
          "device_silent:swh-1 resolved",
        ]),
      { timeout: 20_000, interval: 100 },
    );
    await vi.waitFor(() => expect(keyStatus(onTopic)).toEqual(keyStatus(receiver.got)), {
      timeout: 10_000,
      interval: 100,
    });
    // Nothing more: a quiet second after the last clear brings no repeat.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.got).toHaveLength(6);
    expect(onTopic).toHaveLength(6);
    // The readings all waited in the queue (the uplink never answered).
    expect(gateway.status().queue.points).toBeGreaterThan(0);
  }, 120_000);
});
