import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Point } from "@jisr/core";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mqttUrl } from "../../../test/servers/context.js";
import { freePort } from "../../../test/servers/free-port.js";
import { parseGatewayConfig } from "../config/load.js";
import { uniquePrefix } from "../mqtt/testing/harness.js";
import { type RecordingServer, startRecordingServer } from "../uplink/testing/recording-server.js";
import { type GatewayHandle, type RunGatewayOptions, runGateway } from "./gateway.js";
import { type GatewayStatusFile, STATUS_FORMAT } from "./status-file.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function blackHole(): Promise<number> {
  const server: Server = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "jisr-gateway-run-"));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function config(url: string, uplink: string, devices: string, extra = "", dataDir = tempDir()) {
  return parseGatewayConfig(
    `
institution: ehpad-ben-guerir
data_dir: ${dataDir}
uplink: { url: "${url}", token: t0ken, ${uplink} }
${extra}
devices:
${devices}`,
    { env: {} },
  );
}

async function start(
  devices: string,
  uplink: string,
  options: { extra?: string; dataDir?: string; run?: RunGatewayOptions } = {},
): Promise<{ gateway: GatewayHandle; server: RecordingServer; dataDir: string }> {
  const server = await startRecordingServer();
  cleanup.push(() => server.close());
  const dataDir = options.dataDir ?? tempDir();
  const gateway = await runGateway(config(server.url, uplink, devices, options.extra, dataDir), {
    logger: pino({ level: "silent" }),
    ...options.run,
  });
  cleanup.push(() => gateway.stop());
  return { gateway, server, dataDir };
}

async function simulator(): Promise<SunspecInverterHandle> {
  const sim = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
  cleanup.push(() => sim.close());
  return sim;
}

describe("runGateway", () => {
  it("reports an unreachable device as offline with its reason, while the others report online", async () => {
    const sim = await simulator();
    const closedPort = await freePort();
    const { gateway } = await start(
      `  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
  - { id: inv-2, profile: sunspec, host: 127.0.0.1, port: ${closedPort}, interval: 200ms }
`,
      "flush_interval: 100ms",
    );
    await vi.waitFor(
      () => {
        const [one, two] = gateway.status().devices;
        expect(one).toMatchObject({ id: "inv-1", state: "online" });
        expect(two).toMatchObject({ id: "inv-2", state: "offline" });
        expect(two?.reason).toBe(
          `device "inv-2" at 127.0.0.1:${closedPort} unit 1: cannot connect to 127.0.0.1:${closedPort}: connection refused (is Modbus TCP enabled on it?)`,
        );
      },
      { timeout: 10_000, interval: 50 },
    );
    await vi.waitFor(() => expect(gateway.status().uplink.delivered_points).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    expect(gateway.status()).toMatchObject({
      institution: "ehpad-ben-guerir",
      gateway_id: "gateway",
      queue: { kind: "sqlite", dropped_total: 0 },
    });
  });

  it("stops within its deadline while a device hangs, sending what was queued", async () => {
    const sim = await simulator();
    const hung = await blackHole();
    // No upload before stop: flush_interval is 10 minutes.
    const { gateway, server } = await start(
      `  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
  - { id: hung, profile: sunspec, host: 127.0.0.1, port: ${hung}, interval: 200ms, timeout: 5s }
`,
      "flush_interval: 10m",
    );
    await vi.waitFor(() => expect(gateway.status().devices[0]?.polls).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
    });
    expect(server.requests).toHaveLength(0);
    expect(gateway.status().devices[1]?.state).toBe("starting"); // its first request waits for 5 s

    const began = Date.now();
    await gateway.stop();
    expect(Date.now() - began).toBeLessThan(5000);
    const status = gateway.status();
    expect(status.queue.points).toBe(0);
    expect(server.requests.flatMap((r) => r.points)).toHaveLength(status.uplink.delivered_points);
    expect(status.uplink.delivered_points).toBeGreaterThanOrEqual(3 * 3); // pv_inverter + 2 × pv_mppt per poll
  });

  it("queues in <data_dir>/outbox.sqlite and keeps <data_dir>/status.json up to date, marked at a clean stop", async () => {
    const sim = await simulator();
    const { gateway, dataDir, server } = await start(
      `  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }\n`,
      "flush_interval: 100ms",
      { run: { statusIntervalMs: 100 } },
    );
    const statusPath = join(dataDir, "status.json");
    const read = () => JSON.parse(readFileSync(statusPath, "utf8")) as GatewayStatusFile;
    expect(existsSync(join(dataDir, "outbox.sqlite"))).toBe(true);
    await vi.waitFor(() => expect(read().devices[0]).toMatchObject({ id: "inv-1", state: "online" }), {
      timeout: 10_000,
      interval: 50,
    });
    await vi.waitFor(() => expect(read().uplink.delivered_points).toBeGreaterThan(0), { timeout: 10_000 });
    const status = read();
    expect(status).toMatchObject({
      format: STATUS_FORMAT,
      institution: "ehpad-ben-guerir",
      gateway_id: "gateway",
      pid: process.pid,
      queue: { kind: "sqlite", path: join(dataDir, "outbox.sqlite"), max_bytes: 256 * 1024 * 1024 },
      uplink: { url: server.url },
    });
    expect(status.stopped_at).toBeUndefined();
    expect(status.devices[0]?.last_values?.[0]).toMatchObject({ measurement: "pv_inverter", tags: {} });
    expect(JSON.stringify(status)).not.toContain("t0ken");

    await gateway.stop();
    expect(read().stopped_at).toBeGreaterThanOrEqual(read().started_at);
    expect(existsSync(`${statusPath}.${process.pid}.tmp`)).toBe(false);
  });

  it("sends gateway_health and device_health readings every health.interval", async () => {
    const sim = await simulator();
    const closedPort = await freePort();
    const { server } = await start(
      `  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
  - { id: inv-2, profile: sunspec, host: 127.0.0.1, port: ${closedPort}, interval: 200ms }
`,
      "flush_interval: 100ms",
      { extra: "health: { interval: 1s }" },
    );
    const health = () =>
      server.requests.flatMap((r) => r.points).filter((p) => p.measurement.endsWith("_health"));
    await vi.waitFor(() => expect(health().length).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
      interval: 50,
    });
    const gatewayPoint = health().find((p) => p.measurement === "gateway_health");
    expect(gatewayPoint?.tags).toEqual({ institution: "ehpad-ben-guerir", device: "gateway" });
    expect(gatewayPoint?.fields).toMatchObject({
      devices_online: 1,
      devices_offline: 1,
      dropped_points_total: 0,
    });
    expect(Object.keys(gatewayPoint?.fields ?? {}).sort()).toEqual([
      "devices_offline",
      "devices_online",
      "dropped_points_total",
      "oldest_queued_age_s",
      "queue_bytes",
      "queue_points",
      "uplink_failures_total",
      "uptime_s",
    ]);
    const inv2 = health().find((p) => p.measurement === "device_health" && p.tags.device === "inv-2");
    expect(inv2?.fields.online).toBe(false);
    expect(inv2?.fields.errors_total).toBeGreaterThan(0);
    expect(inv2?.fields.last_error).toContain("connection refused");
    expect(inv2?.fields.last_success_age_s).toBeUndefined();
    const inv1 = health().find((p) => p.measurement === "device_health" && p.tags.device === "inv-1");
    expect(inv1?.fields).toMatchObject({ online: true, errors_total: 0, last_error: "" });
    expect(inv1?.fields.last_poll_duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("refuses a data_dir that another running gateway uses, and a damaged queue file, saying what to do", async () => {
    const server = await startRecordingServer();
    cleanup.push(() => server.close());
    const devices = "  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: 1502 }\n";
    const busy = tempDir();
    const other: GatewayStatusFile = {
      format: STATUS_FORMAT,
      institution: "ehpad-ben-guerir",
      gateway_id: "gw-other",
      pid: process.ppid, // alive, and not us
      started_at: Date.now(),
      written_at: Date.now(),
      status_interval_ms: 5000,
      devices: [],
      queue: { kind: "sqlite", points: 0, bytes: 0, dropped_total: 0 },
      uplink: {
        url: server.url,
        delivered_points: 0,
        delivered_batches: 0,
        rejected_points: 0,
        failures: 0,
        failures_total: 0,
      },
    };
    writeFileSync(join(busy, "status.json"), JSON.stringify(other));
    await expect(runGateway(config(server.url, "", devices, "", busy))).rejects.toThrow(
      `Another gateway (pid ${process.ppid}, "gw-other") is running with data_dir "${busy}": stop it first, or give this one its own data_dir`,
    );

    const damaged = tempDir();
    writeFileSync(join(damaged, "outbox.sqlite"), "not a database ".repeat(400));
    await expect(runGateway(config(server.url, "", devices, "", damaged))).rejects.toThrow(
      /Queue file ".*outbox\.sqlite" is damaged \(file is not a database\): stop the gateway, move/,
    );
  });

  it("reads MQTT devices from the broker into the same queue, and shows them with the polled ones", async () => {
    const topic = `${uniquePrefix()}_plug`;
    const { gateway, server } = await start("  []\n", "flush_interval: 100ms", {
      extra: `mqtt: { url: "${mqttUrl()}", devices: [{ id: plug, profile: tasmota, topic: ${topic} }] }`,
    });
    await vi.waitFor(() => expect(gateway.status().mqtt).toMatchObject({ connected: true }), {
      timeout: 10_000,
    });
    const pub = await mqtt.connectAsync(mqttUrl());
    cleanup.push(async () => void (await pub.endAsync(true)));
    const received = () => server.requests.flatMap((r) => r.points).filter((p) => p.tags.device === "plug");
    await vi.waitFor(
      async () => {
        // Published until one arrives: the subscription may not be in place for the first one.
        await pub.publishAsync(
          `tele/${topic}/SENSOR`,
          JSON.stringify({ ENERGY: { Power: 815, Total: 12.5 } }),
          { qos: 1 },
        );
        expect(received().length).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(received()[0]).toMatchObject({
      tags: { institution: "ehpad-ben-guerir", device: "plug" },
      fields: { power_w: 815 },
    });
    const plug = gateway.status().devices.find((d) => d.id === "plug");
    expect(plug).toMatchObject({ state: "online", failed_polls: 0 });
    expect(plug?.last_values?.[0]?.fields).toMatchObject({ power_w: 815 });
  });

  it("sends to a central MQTT broker, with QoS 1, when uplink.url is mqtt://", async () => {
    const sim = await simulator();
    const gatewayId = `gw-${uniquePrefix()}`;
    const central = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 5 });
    cleanup.push(async () => void (await central.endAsync(true)));
    const points: Point[] = [];
    central.on("message", (_topic, payload) => {
      const text = payload[0] === 0x1f ? gunzipSync(payload).toString() : payload.toString();
      points.push(...(JSON.parse(text) as { points: Point[] }).points);
    });
    await central.subscribeAsync(`jisr/ehpad-ben-guerir/${gatewayId}/points`, { qos: 1 });
    const dataDir = tempDir();
    const gateway = await runGateway(
      parseGatewayConfig(
        `
institution: ehpad-ben-guerir
gateway_id: ${gatewayId}
data_dir: ${dataDir}
uplink: { url: "${mqttUrl()}", token: t0ken, flush_interval: 100ms }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
`,
        { env: {} },
      ),
      { logger: pino({ level: "silent" }) },
    );
    cleanup.push(() => gateway.stop());
    await vi.waitFor(() => expect(points.some((p) => p.measurement === "pv_inverter")).toBe(true), {
      timeout: 10_000,
      interval: 50,
    });
    expect(points[0]?.tags).toMatchObject({ institution: "ehpad-ben-guerir", device: "inv-1" });
    expect(gateway.status().uplink).toMatchObject({ connected: true });
    expect(gateway.status().uplink.delivered_points).toBeGreaterThan(0);
  });
});
