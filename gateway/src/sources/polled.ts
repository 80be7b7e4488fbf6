/**
 * The polled kind of Source (types.ts): one Driver per configured device (Modbus, SunSpec), each asked by
 * its own DevicePoller on its schedule, over Modbus links shared per bus. Each poll's points go to the
 * sink and its outcome into the device's health (health.ts).
 */
import type { Problem } from "@jisr/core";
import { ValidationError } from "@jisr/core";
import type { Logger } from "pino";
import type { DeviceConfig } from "../config/schema.js";
import type { Driver } from "../drivers/types.js";
import type { LinkPool } from "../modbus/link-pool.js";
import type { LineLoad } from "../run/line-load.js";
import { DevicePoller } from "../run/poller.js";
import type { PointSink, Source } from "./types.js";

/** Delay between the starts of two devices' polling. */
const STAGGER_MS = 100;
const DEFAULT_INTERVAL_MS = 10_000;

export interface PolledSourceOptions {
  institution: string;
  /** The gateway's root logger: drivers, pollers and links get their component child. */
  logger: Logger;
  clock: () => number;
  sink: PointSink;
}

export interface PolledSource extends Source {
  /** Shared one-at-a-time lines (RS-485, TCP-to-RTU converters) and their load, for the status. */
  lines(): LineLoad[];
}

/**
 * Creates and initialises the drivers. Throws ValidationError (nothing left running) when a driver finds
 * a device configuration it cannot work with; a device that is merely unreachable does not stop it.
 */
export async function openPolledSource(
  devices: readonly DeviceConfig[],
  options: PolledSourceOptions,
): Promise<PolledSource> {
  const root = options.logger;
  const { clock } = options;
  // Loaded here, after the config is known (run/gateway.ts decides first whether serialport is needed).
  const [{ createDriver }, { LinkPool }, { lineLoads }] = await Promise.all([
    import("../drivers/index.js"),
    import("../modbus/link-pool.js"),
    import("../run/line-load.js"),
  ]);
  // One pool per gateway: devices on one RS-485 line or behind one TCP-to-RTU converter share one link,
  // which sends their requests one at a time.
  const links: LinkPool = new LinkPool({ clock, logger: root.child({ component: "modbus" }) });
  const drivers = devices.map((device) =>
    createDriver(device, {
      institution: options.institution,
      logger: root.child({ component: "driver", device: device.id }),
      clock,
      links,
    }),
  );
  try {
    await initDrivers(drivers);
  } catch (err) {
    await links.closeAll();
    throw err;
  }
  const pollers = drivers.map(
    (driver, i) =>
      new DevicePoller(driver, {
        intervalMs: devices[i]?.interval ?? DEFAULT_INTERVAL_MS,
        ...(devices[i]?.offline_retry_max !== undefined && {
          offlineRetryMaxMs: devices[i]?.offline_retry_max,
        }),
        logger: root.child({ component: "poller", device: driver.id }),
        onPoints: options.sink,
        clock,
      }),
  );
  const starts: NodeJS.Timeout[] = [];
  let stopping: Promise<void> | undefined;
  return {
    // Devices start one after the other, STAGGER_MS apart (at most one interval in all): each first poll
    // discovers its device, and 50 discoveries at once make the memory peak of the whole run (issue 13,
    // footprint); staggered, the polls also stay spread over the interval instead of all at once.
    start: () => {
      pollers.forEach((poller, i) => {
        const interval = devices[i]?.interval ?? DEFAULT_INTERVAL_MS;
        const spread = Math.min(STAGGER_MS, interval / pollers.length);
        starts.push(setTimeout(() => poller.start(), Math.floor(i * spread)));
      });
    },
    stop: (waitMs) => {
      stopping ??= (async () => {
        for (const t of starts) clearTimeout(t);
        await Promise.all(pollers.map((p) => p.stop(waitMs)));
        await Promise.all(drivers.map((d) => d.close()));
        await links.closeAll();
      })();
      return stopping;
    },
    devices: () => pollers.map((poller) => poller.health()),
    lines: () => lineLoads(links.buses(), devices),
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
