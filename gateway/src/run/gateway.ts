/**
 * The gateway process: one poller per device → the durable outbox (<data_dir>/outbox.sqlite) → the
 * sender; beside them the housekeeping (status file, health readings). Config is already validated
 * (config/load.ts); this file only wires the parts together and takes them apart again on stop.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Point, type Problem, ValidationError } from "@jisr/core";
import { type Logger, pino } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import type { Driver } from "../drivers/index.js";
import type { LocalSite } from "../local/site.js";
import type { LinkPool } from "../modbus/link-pool.js";
import type { MqttDevicesHandle } from "../mqtt/source.js";
import { MemoryOutbox } from "../uplink/memory-outbox.js";
import { type Outbox, OutboxError } from "../uplink/outbox.js";
import { SqliteOutbox } from "../uplink/sqlite-outbox.js";
import { Housekeeping } from "./housekeeping.js";
import type { lineLoads } from "./line-load.js";
import { MqttHealth } from "./mqtt-health.js";
import { DevicePoller } from "./poller.js";
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
/** Delay between the starts of two devices' polling. */
const STAGGER_MS = 100;

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
  // One pool per gateway: devices on one RS-485 line or behind one TCP-to-RTU converter share one link,
  // which sends their requests one at a time.
  // The Modbus code (modbus-serial) is loaded here, after the config is known: without a serial device
  // it is loaded without serialport (serial-gate.ts; ~10 MiB less on a small box).
  // Not under vitest, which runs gateways with and without serial devices in one process (the gate
  // is once per process); serial-gate.test.ts tests it in a process of its own.
  if (!config.devices.some((d) => d.serial) && process.env.VITEST === undefined) keepSerialPortUnloaded();
  // Before the uplink's first fetch compiles llhttp: ~30 MiB less at the peak (wasm-tier.ts).
  keepWasmInBaselineTier();
  const [{ createDriver }, { LinkPool }, lines] = await Promise.all([
    import("../drivers/index.js"),
    import("../modbus/link-pool.js"),
    import("./line-load.js"),
  ]);
  const links = new LinkPool({ clock, logger: root.child({ component: "modbus" }) });
  const drivers = config.devices.map((device) =>
    createDriver(device, {
      institution: config.institution,
      logger: root.child({ component: "driver", device: device.id }),
      clock,
      links,
    }),
  );
  try {
    await initDrivers(drivers);
  } catch (err) {
    await links.closeAll();
    queue.close();
    throw err;
  }
  const startedAt = clock();
  const mqttHealth = new MqttHealth(startedAt);
  // The local page and alerts see the same readings that go into the queue. Loaded only when
  // configured: their time-zone work (ICU data, ~10 MiB) and MQTT client are not every gateway's.
  let local: LocalSite | undefined;
  const enqueue = (points: Point[]) => {
    outbox.enqueue(points);
    local?.record(points);
  };
  let mqtt: MqttDevicesHandle | undefined;
  try {
    mqtt = config.mqtt && (await startMqtt(config, options, root, clock, mqttHealth, enqueue));
  } catch (err) {
    await Promise.all(drivers.map((d) => d.close()));
    await links.closeAll();
    queue.close();
    throw err;
  }

  const uplink = await createUplink(config, {
    outbox,
    logger: root.child({ component: "uplink" }),
    ...(options.uplinkRetry && { retry: options.uplinkRetry }),
  });
  const pollers = drivers.map(
    (driver, i) =>
      new DevicePoller(driver, {
        intervalMs: config.devices[i]?.interval ?? 10_000,
        ...(config.devices[i]?.offline_retry_max !== undefined && {
          offlineRetryMaxMs: config.devices[i]?.offline_retry_max,
        }),
        logger: root.child({ component: "poller", device: driver.id }),
        onPoints: enqueue,
        clock,
      }),
  );
  const parts: Parts = {
    config,
    options,
    startedAt,
    pollers,
    links,
    lineLoads: lines.lineLoads,
    mqtt,
    mqttHealth,
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
  // Devices start one after the other, STAGGER_MS apart (at most one interval in all): each first poll
  // discovers its device, and 50 discoveries at once make the memory peak of the whole run (issue 13,
  // footprint); staggered, the polls also stay spread over the interval instead of all at once.
  const starts = pollers.map((poller, i) => {
    const spread = Math.min(STAGGER_MS, (config.devices[i]?.interval ?? 10_000) / pollers.length);
    return setTimeout(() => poller.start(), Math.floor(i * spread));
  });
  housekeeping.start();
  log.info(
    {
      institution: config.institution,
      devices: drivers.map((d) => d.id),
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
    for (const t of starts) clearTimeout(t);
    housekeeping.stop();
    await local?.stop();
    await Promise.all([...pollers.map((p) => p.stop(pollWait)), mqtt?.stop()]);
    await Promise.all(drivers.map((d) => d.close()));
    await links.closeAll();
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
  pollers: DevicePoller[];
  links: LinkPool;
  lineLoads: typeof lineLoads;
  mqtt: MqttDevicesHandle | undefined;
  mqttHealth: MqttHealth;
  queue: OpenedOutbox;
  uplink: Uplink;
  clock: () => number;
}

/** The gateway's state now: what status() answers and the status file holds. */
function statusOf(p: Parts): GatewayStatus {
  const now = p.clock();
  const broker = p.mqtt?.status();
  const lines = p.lineLoads(p.links.buses(), p.config.devices);
  return {
    format: STATUS_FORMAT,
    institution: p.config.institution,
    gateway_id: p.config.gateway_id,
    pid: process.pid,
    started_at: p.startedAt,
    written_at: now,
    status_interval_ms: p.options.statusIntervalMs ?? STATUS_INTERVAL_MS,
    devices: [
      ...p.pollers.map((poller) => poller.health()),
      ...(broker ? p.mqttHealth.devices(broker, now) : []),
    ],
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
  health: MqttHealth,
  enqueue: (points: Point[]) => void,
): Promise<MqttDevicesHandle | undefined> {
  if (!config.mqtt) return undefined;
  const { startMqttDevices } = await import("../mqtt/source.js");
  return startMqttDevices(config.mqtt, {
    institution: config.institution,
    logger: root.child({ component: "mqtt" }),
    onPoints: (points) => {
      enqueue(points);
      health.record(points);
    },
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

/** Runs every driver's init at once; permanent problems from any of them refuse the start. */
async function initDrivers(drivers: Driver[]): Promise<void> {
  const results = await Promise.all(
    drivers.map((driver) =>
      driver.init().catch((err: unknown) => [err instanceof Error ? err : new Error(String(err))]),
    ),
  );
  const problems: Problem[] = results.flatMap((errors, i) =>
    errors.map((e) => ({ path: `devices.${i}`, message: `device "${drivers[i]?.id}": ${e.message}` })),
  );
  if (problems.length === 0) return;
  await Promise.all(drivers.map((d) => d.close()));
  throw new ValidationError("gateway devices", problems);
}
