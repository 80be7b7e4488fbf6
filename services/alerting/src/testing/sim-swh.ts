/**
 * For the hot-water end-to-end test: a simulated institution with one solar water heater controller
 * (@jisr/simulators' profile device, generator "solar-water-heater") on a real Modbus TCP socket, read by
 * the gateway's own profile driver into a real Store, plus the gateway's health readings. `step(t)` is one
 * poll at instant t. The device's sim clock follows the process's Date (the test fakes it), so the
 * simulator, the driver, the store and the alerting service agree on "now".
 */
import type { Point } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { createDriver, type Driver, deviceSchema, LinkPool } from "@jisr/gateway";
import {
  defaultSolarWaterHeater,
  type ProfileDeviceHandle,
  solarWaterHeaterGenerator,
  startProfileDevice,
} from "@jisr/simulators";
import { pino } from "pino";

const logger = pino({ level: "silent" });

export class SimHotWaterSite {
  readonly institution: string;
  readonly gateway = "gw-1";
  readonly heaterId: string;
  readonly #store: Store;
  readonly #links = new LinkPool({ clock: () => Date.now() });
  readonly #started = Date.now();
  #handle: ProfileDeviceHandle | undefined;
  #driver: Driver | undefined;

  constructor(institution: string, heaterId: string, store: Store) {
    this.institution = institution;
    this.heaterId = heaterId;
    this.#store = store;
  }

  /** Starts the heater (clear sky: no cloud noise) and the driver that reads it. */
  async start(): Promise<ProfileDeviceHandle> {
    this.#handle = await startProfileDevice({
      profile: "generic-solar-controller",
      generator: solarWaterHeaterGenerator(defaultSolarWaterHeater(null)),
      tickMs: 0,
      start: new Date(Date.now()),
      wallNow: () => Date.now(),
    });
    const device = deviceSchema.parse({
      id: this.heaterId,
      profile: "generic-solar-controller",
      host: "127.0.0.1",
      port: this.#handle.port,
      timeout: "1s",
      retries: 0,
    });
    const context = { institution: this.institution, logger, clock: () => Date.now(), links: this.#links };
    this.#driver = createDriver(device, context);
    const problems = await this.#driver.init();
    if (problems.length > 0) throw problems[0];
    return this.#handle;
  }

  get heater(): ProfileDeviceHandle {
    if (!this.#handle) throw new Error("the simulated heater is not started");
    return this.#handle;
  }

  /** One poll of the heater at `t` (the current, faked, Date), written to the store as one batch. */
  async step(t: number): Promise<void> {
    this.#handle?.tick();
    const polled = await this.#driver?.poll(t).catch(() => undefined);
    const tags = (device: string) => ({ institution: this.institution, device });
    const points: Point[] = [...(polled ?? [])];
    points.push({
      measurement: "device_health",
      tags: tags(this.heaterId),
      fields: { online: polled !== undefined, errors_total: 0, ...(polled && { last_success_age_s: 0 }) },
      time: t,
    });
    points.push({
      measurement: "gateway_health",
      tags: tags(this.gateway),
      fields: {
        queue_points: 0,
        queue_bytes: 0,
        oldest_queued_age_s: 0,
        dropped_points_total: 0,
        devices_online: polled ? 1 : 0,
        devices_offline: polled ? 0 : 1,
        uplink_failures_total: 0,
        uptime_s: (t - this.#started) / 1000,
      },
      time: t,
    });
    await this.#store.write(points);
  }

  async close(): Promise<void> {
    await this.#driver?.close();
    await this.#handle?.close();
    await this.#links.closeAll();
  }
}
