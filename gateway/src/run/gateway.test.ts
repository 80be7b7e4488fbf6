import { createServer, type Server } from "node:net";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../../test/servers/free-port.js";
import { parseGatewayConfig } from "../config/load.js";
import { type RecordingServer, startRecordingServer } from "../uplink/recording-server.js";
import { type GatewayHandle, runGateway } from "./gateway.js";

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

async function start(
  devices: string,
  uplink: string,
): Promise<{ gateway: GatewayHandle; server: RecordingServer }> {
  const server = await startRecordingServer();
  cleanup.push(() => server.close());
  const config = parseGatewayConfig(
    `
institution: ehpad-ben-guerir
uplink: { url: "${server.url}", token: t0ken, ${uplink} }
devices:
${devices}`,
    { env: {} },
  );
  const gateway = await runGateway(config, { logger: pino({ level: "silent" }) });
  cleanup.push(() => gateway.stop());
  return { gateway, server };
}

describe("runGateway", () => {
  it("reports an unreachable device as offline with its reason, while the others report online", async () => {
    const sim: SunspecInverterHandle = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => sim.close());
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
      outbox: { dropped: 0 },
    });
  });

  it("stops within its deadline while a device hangs, sending what was queued", async () => {
    const sim: SunspecInverterHandle = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => sim.close());
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
    expect(status.outbox.queued).toBe(0);
    expect(server.requests.flatMap((r) => r.points)).toHaveLength(status.uplink.delivered_points);
    expect(status.uplink.delivered_points).toBeGreaterThanOrEqual(3 * 3); // pv_inverter + 2 × pv_mppt per poll
  });
});
