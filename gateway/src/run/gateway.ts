/**
 * The gateway process: one poller per device → the outbox → the sender. Config is already validated
 * (config/load.ts); this file only wires the parts together and takes them apart again on stop.
 */
import { type Problem, ValidationError } from "@jisr/core";
import { type Logger, pino } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import { createDriver, type Driver } from "../drivers/index.js";
import { MemoryOutbox } from "../uplink/memory-outbox.js";
import type { Outbox } from "../uplink/outbox.js";
import { Sender, type SenderStatus } from "../uplink/sender.js";
import { type DeviceHealth, DevicePoller } from "./poller.js";

/** How long stop() may take in all: short, so a service manager (systemd: 90 s) never has to kill us. */
const STOP_DEADLINE_MS = 5000;
/** Of which, at most this long waiting for polls in flight: their points are worth one more upload. */
const STOP_POLL_WAIT_MS = 2000;

export interface RunGatewayOptions {
  logger?: Logger;
  /** The gateway's UTC clock (epoch ms); Date.now by default. */
  clock?: () => number;
  /** Where points wait for upload; a bounded in-memory outbox by default. */
  outbox?: Outbox;
  /** Upper bound of stop(), ms (5 s by default). */
  stopDeadlineMs?: number;
}

export interface GatewayStatus {
  institution: string;
  gateway_id: string;
  started_at: number;
  devices: DeviceHealth[];
  outbox: { queued: number; dropped?: number };
  uplink: SenderStatus;
}

export interface GatewayHandle {
  /** Stops polling, closes the devices and sends what it can within a short deadline. Idempotent. */
  stop(): Promise<void>;
  status(): GatewayStatus;
}

/**
 * Starts the gateway. Throws ValidationError (nothing left running) when a driver finds a device
 * configuration it cannot work with; a device that is merely unreachable does not stop the start.
 */
export async function runGateway(
  config: GatewayConfig,
  options: RunGatewayOptions = {},
): Promise<GatewayHandle> {
  const root = (options.logger ?? pino()).child({ gateway: config.gateway_id });
  const log = root.child({ component: "gateway" });
  const clock = options.clock ?? Date.now;
  const drivers = config.devices.map((device) =>
    createDriver(device, {
      institution: config.institution,
      logger: root.child({ component: "driver", device: device.id }),
      clock,
    }),
  );
  await initDrivers(drivers);

  const outbox =
    options.outbox ?? new MemoryOutbox(config.uplink.max_queued_points, root.child({ component: "outbox" }));
  const sender = new Sender({
    url: config.uplink.url,
    token: config.uplink.token,
    gatewayId: config.gateway_id,
    batchMaxPoints: config.uplink.batch_max_points,
    flushIntervalMs: config.uplink.flush_interval,
    timeoutMs: config.uplink.timeout,
    outbox,
    logger: root.child({ component: "uplink" }),
  });
  const pollers = drivers.map(
    (driver, i) =>
      new DevicePoller(driver, {
        intervalMs: config.devices[i]?.interval ?? 10_000,
        logger: root.child({ component: "poller", device: driver.id }),
        onPoints: (points) => outbox.enqueue(points),
        clock,
      }),
  );
  sender.start();
  for (const poller of pollers) poller.start();
  const startedAt = clock();
  log.info(
    { institution: config.institution, devices: drivers.map((d) => d.id), uplink: config.uplink.url },
    "Gateway started",
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    const deadline = Date.now() + (options.stopDeadlineMs ?? STOP_DEADLINE_MS);
    const pollWait = Math.min(STOP_POLL_WAIT_MS, (deadline - Date.now()) / 2);
    await Promise.all(pollers.map((p) => p.stop(pollWait)));
    await Promise.all(drivers.map((d) => d.close()));
    await sender.stop(Math.max(deadline - Date.now(), 0));
    log.info({ unsent_points: outbox.size() }, "Gateway stopped");
  };
  return {
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
    status: () => ({
      institution: config.institution,
      gateway_id: config.gateway_id,
      started_at: startedAt,
      devices: pollers.map((p) => p.health()),
      outbox: { queued: outbox.size(), ...(outbox instanceof MemoryOutbox && { dropped: outbox.dropped }) },
      uplink: sender.status(),
    }),
  };
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
