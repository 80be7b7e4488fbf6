/**
 * The gateway process: its sources (../sources/types.ts: the polled devices, and the MQTT devices that
 * push) → the durable outbox (<data_dir>/outbox.sqlite) → the sender; beside them the housekeeping
 * (status file, health readings). Config is already validated (config/load.ts); this file only wires
 * the parts together and takes them apart again on stop.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { type Logger, pino } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import type { LocalSite } from "../local/site.js";
import type { MqttDevicesHandle } from "../mqtt/source.js";
import { openPolledSource, type PolledSource } from "../sources/polled.js";
import type { PointSink, Source } from "../sources/types.js";
import { MemoryOutbox } from "../uplink/memory-outbox.js";
import { type Outbox, OutboxError } from "../uplink/outbox.js";
import { SqliteOutbox } from "../uplink/sqlite-outbox.js";
import { Housekeeping } from "./housekeeping.js";
import { keepSerialPortUnloaded } from "./serial-gate.js";
import {
  type GatewayStatusFile,
  liveness,
  OUTBOX_FILE,
  readStatusFile,
  STATUS_FORMAT,
} from "./status-file.js";
import { createUplink, type Uplink } from "./uplink.js";
import { keepWasmInBaselineTier } from "./wasm-tier.js";

/** How long stop() may take in all: short, so a service manager (systemd: 90 s) never has to kill us. */
const STOP_DEADLINE_MS = 5000;
/** Of which, at most this long waiting for polls in flight: their points are worth one more upload. */
const STOP_POLL_WAIT_MS = 2000;
const STATUS_INTERVAL_MS = 5000;

export interface RunGatewayOptions {
  logger?: Logger;
  /** The gateway's UTC clock (epoch ms); Date.now by default. */
  clock?: () => number;
  /**
   * Where points wait for upload: by default the durable queue <data_dir>/outbox.sqlite. "memory" asks
   * for a bounded in-memory queue (lost on restart: for tests and throw-away runs); an Outbox is used
   * as given (and not closed by the gateway).
   */
  outbox?: Outbox | "memory";
  /** Upper bound of stop(), ms (5 s by default). */
  stopDeadlineMs?: number;
  /** How often <data_dir>/status.json is rewritten, ms (5 s by default). */
  statusIntervalMs?: number;
  /** Backoff of uploads after a failure that may pass by itself (tests shorten it). */
  uplinkRetry?: { initialMs: number; maxMs: number };
  /** The config file's folder: relative MQTT profile paths are resolved from it (working folder by default). */
  baseDir?: string;
}

/** What the gateway knows about itself: the content of the status file. */
export type GatewayStatus = GatewayStatusFile;

export interface GatewayHandle {
  /** Stops polling, closes the devices and sends what it can within a short deadline. Idempotent. */
  stop(): Promise<void>;
  status(): GatewayStatus;
}

/**
 * Starts the gateway. Throws ValidationError (nothing left running) when a driver finds a device
 * configuration it cannot work with, and OutboxError when the queue cannot be opened (the message says
 * what to do); a device that is merely unreachable does not stop the start.
 */
export async function runGateway(
  config: GatewayConfig,
  options: RunGatewayOptions = {},
): Promise<GatewayHandle> {
  const root = (options.logger ?? pino()).child({ gateway: config.gateway_id });
  const log = root.child({ component: "gateway" });
  const clock = options.clock ?? Date.now;
  const queue = openOutbox(config, options, root.child({ component: "outbox" }), clock);
  const { outbox } = queue;
  // The Modbus code (modbus-serial) is loaded by the polled source, after the config is known: without a
  // serial device it is loaded without serialport (serial-gate.ts; ~10 MiB less on a small box).
  // Not under vitest, which runs gateways with and without serial devices in one process (the gate
  // is once per process); serial-gate.test.ts tests it in a process of its own.
  if (!config.devices.some((d) => d.serial) && process.env.VITEST === undefined) keepSerialPortUnloaded();
  // The uplink posts with node:http, but the local webhook still uses fetch, whose llhttp parser is
  // WebAssembly: kept in the baseline tier it costs ~30 MiB less at the peak (wasm-tier.ts).
  keepWasmInBaselineTier();
  // The local page and alerts see the same readings that go into the queue. Loaded only when
  // configured: their time-zone work (ICU data, ~10 MiB) and MQTT client are not every gateway's.
  let local: LocalSite | undefined;
  const sink: PointSink = (points: Point[]) => {
    outbox.enqueue(points);
    local?.record(points);
  };
  let polled: PolledSource;
  try {
    polled = await openPolledSource(config.devices, {
      institution: config.institution,
      logger: root,
      clock,
      sink,
    });
  } catch (err) {
    queue.close();
    throw err;
  }
  const startedAt = clock();
  let mqtt: MqttDevicesHandle | undefined;
  try {
    mqtt = config.mqtt && (await startMqtt(config, options, root, clock, sink));
  } catch (err) {
    await polled.stop(0);
    queue.close();
    throw err;
  }
  const sources: Source[] = mqtt ? [polled, mqtt] : [polled];

  const uplink = await createUplink(config, {
    outbox,
    logger: root.child({ component: "uplink" }),
    ...(options.uplinkRetry && { retry: options.uplinkRetry }),
  });
  const parts: Parts = {
    config,
    options,
    startedAt,
    sources,
    polled,
    mqtt,
    queue,
    uplink,
    clock,
  };
  const snapshot = () => statusOf(parts);
  let final: GatewayStatus | undefined;
  const status = (): GatewayStatus => final ?? snapshot();
  const housekeeping = new Housekeeping({
    dataDir: config.data_dir,
    statusIntervalMs: options.statusIntervalMs ?? STATUS_INTERVAL_MS,
    healthIntervalMs: config.health.interval,
    outbox,
    snapshot,
    clock,
    logger: root.child({ component: "housekeeping" }),
  });
  if (config.local_page || config.local_alerts) {
    const { LocalSite } = await import("../local/site.js");
    local = new LocalSite(config, { logger: root.child({ component: "local" }), clock, status });
    await local.start();
  }
  uplink.start();
  for (const source of sources) source.start();
  housekeeping.start();
  log.info(
    {
      institution: config.institution,
      devices: config.devices.map((d) => d.id),
      mqtt_devices: config.mqtt?.devices.map((d) => d.id) ?? [],
      uplink: withoutCredentials(config.uplink.url),
      queue: queue.describe.path ?? "memory",
      queued: outbox.size(),
    },
    "Gateway started",
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    const deadline = Date.now() + (options.stopDeadlineMs ?? STOP_DEADLINE_MS);
    const pollWait = Math.min(STOP_POLL_WAIT_MS, (deadline - Date.now()) / 2);
    housekeeping.stop();
    await local?.stop();
    await Promise.all(sources.map((s) => s.stop(pollWait)));
    await uplink.stop(Math.max(deadline - Date.now(), 0));
    housekeeping.writeStatus(clock());
    log.info({ unsent_points: outbox.size() }, "Gateway stopped");
    // What status() answers from now on: the queue is closed.
    final = { ...snapshot(), stopped_at: clock() };
    queue.close();
  };
  return {
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
    status,
  };
}

interface Parts {
  config: GatewayConfig;
  options: RunGatewayOptions;
  startedAt: number;
  sources: Source[];
  polled: PolledSource;
  mqtt: MqttDevicesHandle | undefined;
  queue: OpenedOutbox;
  uplink: Uplink;
  clock: () => number;
}

/** The gateway's state now: what status() answers and the status file holds. */
function statusOf(p: Parts): GatewayStatus {
  const now = p.clock();
  const broker = p.mqtt?.status();
  const lines = p.polled.lines();
  return {
    format: STATUS_FORMAT,
    institution: p.config.institution,
    gateway_id: p.config.gateway_id,
    pid: process.pid,
    started_at: p.startedAt,
    written_at: now,
    status_interval_ms: p.options.statusIntervalMs ?? STATUS_INTERVAL_MS,
    devices: p.sources.flatMap((source) => source.devices(now)),
    ...(lines.length > 0 && { lines }),
    ...(broker && {
      mqtt: {
        broker: withoutCredentials(broker.broker),
        embedded: broker.embedded,
        connected: broker.connected,
        ...(broker.last_error !== undefined && { last_error: broker.last_error }),
      },
    }),
    queue: { ...p.queue.describe, ...p.queue.outbox.stats() },
    uplink: { url: withoutCredentials(p.config.uplink.url), ...p.uplink.status() },
  };
}

/**
 * MQTT devices push their readings into the same queue as the polled ones. The MQTT client (and aedes)
 * are loaded only here, when the config has MQTT devices: a Modbus-only gateway on a 512 MB box does not
 * carry them (issue 13, footprint).
 */
async function startMqtt(
  config: GatewayConfig,
  options: RunGatewayOptions,
  root: Logger,
  clock: () => number,
  sink: PointSink,
): Promise<MqttDevicesHandle | undefined> {
  if (!config.mqtt) return undefined;
  const { startMqttDevices } = await import("../mqtt/source.js");
  return startMqttDevices(config.mqtt, {
    institution: config.institution,
    logger: root.child({ component: "mqtt" }),
    onPoints: sink,
    clock,
    ...(options.baseDir !== undefined && { baseDir: options.baseDir }),
  });
}

interface OpenedOutbox {
  outbox: Outbox;
  describe: Pick<GatewayStatus["queue"], "kind" | "path" | "max_bytes">;
  close(): void;
}

/** The durable queue in data_dir unless the caller asked otherwise; refuses a data_dir in use. */
function openOutbox(
  config: GatewayConfig,
  options: RunGatewayOptions,
  logger: Logger,
  clock: () => number,
): OpenedOutbox {
  refuseIfInUse(config.data_dir, clock());
  makeDataDir(config.data_dir);
  if (options.outbox !== undefined) {
    const outbox =
      options.outbox === "memory"
        ? new MemoryOutbox(config.uplink.max_queued_points, logger, clock)
        : options.outbox;
    const describe: OpenedOutbox["describe"] =
      outbox instanceof SqliteOutbox ? { kind: "sqlite", path: outbox.path } : { kind: "memory" };
    return { outbox, describe, close: () => {} };
  }
  const path = join(config.data_dir, OUTBOX_FILE);
  const outbox = SqliteOutbox.open({ path, maxBytes: config.buffer.max_bytes, logger, clock });
  return {
    outbox,
    describe: { kind: "sqlite", path, max_bytes: config.buffer.max_bytes },
    close: () => outbox.close(),
  };
}

function makeDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutboxError(
      `Cannot create data_dir "${dir}" (${(err as Error).message}): fix data_dir in the config, or the folder's owner`,
      { cause: err },
    );
  }
}

/** Two gateways on one data_dir would send each other's queue and overwrite each other's status. */
function refuseIfInUse(dataDir: string, now: number): void {
  const previous = readStatusFile(dataDir);
  if (previous.kind !== "ok" || previous.status.pid === process.pid) return;
  if (!liveness(previous.status, now).running) return;
  throw new OutboxError(
    `Another gateway (pid ${previous.status.pid}, "${previous.status.gateway_id}") is running with data_dir ` +
      `"${dataDir}": stop it first, or give this one its own data_dir`,
  );
}

/** The uplink URL as shown in logs and the status file: never a user name or password. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
