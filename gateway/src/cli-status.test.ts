import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { Command } from "commander";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerGatewayStatusCommand } from "./cli-status.js";
import { gatewayStatusCommand } from "./commands/status.js";
import { loadGatewayConfig } from "./config/load.js";
import { type GatewayHandle, runGateway } from "./run/gateway.js";
import { type GatewayStatusFile, STATUS_FORMAT } from "./run/status-file.js";
import { startRecordingServer } from "./uplink/testing/recording-server.js";

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function capture() {
  let out = "";
  let err = "";
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}

/** A config file in its own folder, with a relative data_dir: it must resolve next to the file. */
function writeConfig(body: string): { file: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), "jisr-gw-status-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "gateway.yaml");
  writeFileSync(file, `institution: ehpad-ben-guerir\ngateway_id: gw-1\ndata_dir: state\n${body}`);
  return { file, dataDir: join(dir, "state") };
}

async function runFromFile(file: string): Promise<GatewayHandle> {
  const gateway = await runGateway(loadGatewayConfig(file, { JISR_GATEWAY_TOKEN: "t0ken" }), {
    logger: pino({ level: "silent" }),
    statusIntervalMs: 100,
  });
  cleanup.push(() => gateway.stop());
  return gateway;
}

const OFFLINE_CONFIG =
  'uplink: { url: "https://jisr.example.org" }\ndevices: [{ id: inv-1, profile: sunspec, host: 10.0.0.5 }]\n';
const T = Date.UTC(2026, 5, 21, 12, 0, 0);
const fixed: GatewayStatusFile = {
  format: STATUS_FORMAT,
  institution: "ehpad-ben-guerir",
  gateway_id: "gw-1",
  pid: 4242,
  started_at: T - 3_723_000,
  written_at: T - 2000,
  status_interval_ms: 5000,
  devices: [
    {
      id: "inv-1",
      state: "online",
      since: T - 600_000,
      polls: 360,
      failed_polls: 2,
      last_poll_at: T - 3000,
      last_poll_ms: 38,
      last_success_at: T - 3000,
      last_error: 'device "inv-1": timeout',
      last_error_at: T - 300_000,
      last_values: [
        {
          measurement: "pv_inverter",
          tags: {},
          fields: { power_w: 5234.123456, energy_wh: 1234567, state: "MPPT" },
        },
        { measurement: "pv_mppt", tags: { mppt: "1" }, fields: { dc_power_w: 2600 } },
      ],
    },
    {
      id: "swh",
      state: "offline",
      reason: 'device "swh": connection refused',
      since: T - 120_000,
      polls: 12,
      failed_polls: 12,
    },
  ],
  queue: {
    kind: "sqlite",
    path: "/var/lib/jisr/outbox.sqlite",
    max_bytes: 256 * 1024 * 1024,
    points: 1234,
    bytes: 2_202_009,
    oldest_queued_at: T - 300_000,
    dropped_total: 0,
  },
  uplink: {
    url: "https://jisr.example.org",
    delivered_points: 9000,
    delivered_batches: 30,
    rejected_points: 0,
    failures: 3,
    failures_total: 7,
    last_delivery_at: T - 400_000,
    last_error: "HTTP 503: JISR_ERR_STORE_UNAVAILABLE: The database is unavailable",
    retry_at: T + 20_000,
  },
};

describe("jisr gateway status", () => {
  it("shows devices, last values, errors, the queue and a failing uplink, in words", () => {
    const { file, dataDir } = writeConfig(OFFLINE_CONFIG);
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "status.json"), JSON.stringify(fixed));
    const { io, out } = capture();
    expect(gatewayStatusCommand({ config: file }, io, T, () => true)).toBe(0);
    expect(out()).toBe(
      `Gateway "gw-1" (institution ehpad-ben-guerir): running, pid 4242, up 1 h 2 min; status written 2 s ago.

Devices: 1 online, 1 not online
  inv-1  online   for 10 min; last poll 3 s ago, 38 ms; 2 of 360 polls failed
         last error 5 min ago: device "inv-1": timeout
         last values (3 s ago):
           pv_inverter power_w=5234.12 energy_wh=1234567 state="MPPT"
           pv_mppt,mppt=1 dc_power_w=2600
  swh    OFFLINE  for 2 min; not polled yet; 12 of 12 polls failed
         device "swh": connection refused

Queue (from the status file): 1234 readings waiting (2.1 MiB of 256 MiB), oldest queued 5 min ago; 0 dropped because the queue was full
  no queue file at ${join(dataDir, "outbox.sqlite")}

Uplink: https://jisr.example.org
  FAILING: 3 failed attempts in a row; next try in 20 s; last delivery 6 min ago
  last error: HTTP 503: JISR_ERR_STORE_UNAVAILABLE: The database is unavailable
  9000 readings sent in 30 batches, 0 refused for good
`,
    );
  });

  it("says clearly that the gateway is not running: process gone, status stale, or never started", () => {
    const { file, dataDir } = writeConfig(OFFLINE_CONFIG);
    const never = capture();
    expect(gatewayStatusCommand({ config: file }, never.io, T)).toBe(1);
    expect(never.out()).toContain(
      `Gateway NOT RUNNING, or never run with this config: no status file at ${join(dataDir, "status.json")}.\nStart it with: jisr gateway run --config ${file}\n`,
    );

    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "status.json"), JSON.stringify(fixed));
    const gone = capture();
    expect(gatewayStatusCommand({ config: file }, gone.io, T, () => false)).toBe(1);
    expect(gone.out()).toMatch(
      /^Gateway "gw-1" \(institution ehpad-ben-guerir\): NOT RUNNING: its process \(pid 4242\) is gone; status written 2 s ago\.\nStart it with: jisr gateway run --config .*\nWhat follows is its last known state, from 2026-06-21T11:59:58.000Z\.\n/,
    );
    // Not running: no "next try" is promised.
    expect(gone.out()).toContain("  FAILING: 3 failed attempts in a row; last delivery 6 min ago\n");

    const stale = capture();
    expect(gatewayStatusCommand({ config: file }, stale.io, T + 60_000, () => true)).toBe(1);
    expect(stale.out()).toContain(
      "NOT RUNNING: its status file has not been updated for 1 min (it is rewritten every 5 s while the gateway runs).",
    );

    const json = capture();
    expect(gatewayStatusCommand({ config: file, json: true }, json.io, T + 60_000, () => true)).toBe(1);
    expect(JSON.parse(json.out())).toMatchObject({
      running: false,
      not_running: { why: "stale", since: fixed.written_at },
      status: { gateway_id: "gw-1", queue: { points: 1234 } },
      queue_file: { path: join(dataDir, "outbox.sqlite"), missing: true },
    });
  });

  it("reads a live gateway's files: online device, its values, the queue file, and after a stop", async () => {
    const sim: SunspecInverterHandle = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    cleanup.push(() => sim.close());
    const server = await startRecordingServer();
    cleanup.push(() => server.close());
    const { file, dataDir } = writeConfig(`uplink: { url: "${server.url}", flush_interval: 100ms }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
`);
    const gateway = await runFromFile(file);
    expect(existsSync(join(dataDir, "outbox.sqlite"))).toBe(true);
    const live = capture();
    await vi.waitFor(
      () => {
        const c = capture();
        expect(gatewayStatusCommand({ config: file }, c.io)).toBe(0);
        expect(c.out()).toMatch(
          /Uplink: .*\n {2}delivering: last delivery \d+ s ago; [1-9]\d* readings sent/,
        );
        live.io.stdout.write(c.out());
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(live.out()).toMatch(
      new RegExp(`^Gateway "gw-1" \\(institution ehpad-ben-guerir\\): running, pid ${process.pid}, up `),
    );
    expect(live.out()).toMatch(
      /\n {2}inv-1 {2}online {3}for \d+ s; last poll \d+ s ago, \d+ ms; 0 of \d+ polls failed\n/,
    );
    expect(live.out()).toMatch(/\n {11}pv_inverter \w+=[\d.]+ \w+=/);
    expect(live.out()).toMatch(
      /\nQueue: \d+ readings waiting \(.* of 256 MiB\).*; 0 dropped because the queue was full\n/,
    );

    await gateway.stop();
    const stopped = capture();
    expect(gatewayStatusCommand({ config: file, json: true }, stopped.io)).toBe(1);
    const report = JSON.parse(stopped.out());
    expect(report).toMatchObject({
      running: false,
      not_running: { why: "stopped" },
      queue_file: { stats: { dropped_total: 0 } },
    });
    expect(report.queue_file.stats.points).toBe(gateway.status().queue.points);
    // Reading the stopped gateway's queue left no files of its own behind.
    expect(existsSync(join(dataDir, "outbox.sqlite-wal"))).toBe(false);
    expect(existsSync(join(dataDir, "outbox.sqlite-shm"))).toBe(false);
  });

  it("says when the queue file is damaged, and what to do", () => {
    const { file, dataDir } = writeConfig(OFFLINE_CONFIG);
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "outbox.sqlite"), "not a database ".repeat(300));
    const c = capture();
    expect(gatewayStatusCommand({ config: file }, c.io, T)).toBe(1);
    expect(c.out()).toContain(
      `  ${join(dataDir, "outbox.sqlite")}: damaged (file is not a database): stop the gateway, move "${join(dataDir, "outbox.sqlite")}" and its "-wal" and "-shm" files aside`,
    );
  });

  it("refuses a config that is not valid with exit code 2, and needs no token", async () => {
    const { file } = writeConfig(
      'uplink: { url: "ftp://x" }\ndevices: [{ id: inv-1, profile: sunspec, host: h, colour: 1 }]\n',
    );
    const c = capture();
    expect(gatewayStatusCommand({ config: file }, c.io, T)).toBe(2);
    expect(c.err()).toContain(
      `gateway config ${file} is not valid:\n  - uplink.url: must be an http(s):// URL`,
    );
    expect(c.err()).toContain("  - devices.0.colour: unknown key;");
    expect(c.out()).toBe("");
  });

  it("explains itself in --help", () => {
    const program = new Command("jisr").exitOverride();
    let help = "";
    program.configureOutput({ writeOut: (s) => (help += s) });
    registerGatewayStatusCommand(program.command("gateway"));
    expect(() => program.parse(["node", "jisr", "gateway", "status", "--help"])).toThrow();
    expect(help).toContain("--config <file>");
    expect(help).toContain("--json");
    expect(help).toContain("jisr gateway status --config /etc/jisr/gateway.yaml");
    expect(help).toContain("Exit codes: 0 running, 1 not running");
  });
});
