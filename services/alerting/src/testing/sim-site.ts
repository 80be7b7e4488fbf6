/**
 * For the end-to-end test: a simulated institution whose readings reach a real Store the way the gateway
 * puts them there. Simulated SunSpec inverters (@jisr/simulators) on real Modbus TCP sockets, read by the
 * gateway's own SunSpec driver, plus the gateway's health readings; `step(t)` is one poll of everything
 * at instant t. Time is the process's Date (the test fakes it), so the simulator, the driver, the store
 * and the alerting service agree on "now".
 */
import type { Point } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { createDriver, type Driver, deviceSchema, LinkPool } from "@jisr/gateway";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";

const logger = pino({ level: "silent" });

interface SimInverter {
  id: string;
  kwp: number;
  port: number;
  seed: number;
  handle: SunspecInverterHandle | undefined;
  driver: Driver;
  errorsTotal: number;
  lastSuccess: number | undefined;
}

export class SimSite {
  readonly institution: string;
  readonly gateway = "gw-1";
  readonly #store: Store;
  readonly #links = new LinkPool({ clock: () => Date.now() });
  readonly #inverters: SimInverter[] = [];
  readonly #started = Date.now();

  constructor(institution: string, store: Store) {
    this.institution = institution;
    this.#store = store;
  }

  /** Starts a clear-sky inverter (no cloud noise) and the driver that reads it. */
  async addInverter(id: string, kwp: number, seed: number): Promise<SunspecInverterHandle> {
    const handle = await this.#startSim(0, kwp, seed);
    const device = deviceSchema.parse({
      id,
      profile: "sunspec",
      host: "127.0.0.1",
      port: handle.port,
      timeout: "1s",
      retries: 0,
    });
    const context = { institution: this.institution, logger, clock: () => Date.now(), links: this.#links };
    const driver = createDriver(device, context);
    const problems = await driver.init();
    if (problems.length > 0) throw problems[0];
    this.#inverters.push({
      id,
      kwp,
      port: handle.port,
      seed,
      handle,
      driver,
      errorsTotal: 0,
      lastSuccess: undefined,
    });
    return handle;
  }

  #startSim(port: number, kwp: number, seed: number): Promise<SunspecInverterHandle> {
    return startSunspecInverter({ port, kwp, seed, clouds: false, tickMs: 0, start: new Date(Date.now()) });
  }

  inverter(id: string): SunspecInverterHandle {
    const handle = this.#inverters.find((i) => i.id === id)?.handle;
    if (!handle) throw new Error(`no running simulated inverter "${id}"`);
    return handle;
  }

  /** Communication loss: the inverter's Modbus server goes away (its cable is cut). */
  async disconnect(id: string): Promise<void> {
    const inv = this.#inverters.find((i) => i.id === id);
    await inv?.handle?.close();
    if (inv) inv.handle = undefined;
  }

  /** The cable is back: the same inverter answers again on the same port. */
  async reconnect(id: string): Promise<void> {
    const inv = this.#inverters.find((i) => i.id === id);
    if (inv && !inv.handle) inv.handle = await this.#startSim(inv.port, inv.kwp, inv.seed);
  }

  /** One poll of every device at `t` (the current, faked, Date), written to the store as one batch. */
  async step(t: number): Promise<void> {
    const points: Point[] = [];
    const tags = (device: string) => ({ institution: this.institution, device });
    let online = 0;
    // Devices are polled side by side, as the gateway's pollers do.
    const polls = await Promise.all(
      this.#inverters.map((inv) => {
        inv.handle?.tick();
        return inv.driver.poll(t).catch(() => undefined);
      }),
    );
    this.#inverters.forEach((inv, i) => {
      const polled = polls[i];
      if (polled) {
        points.push(...polled);
        inv.lastSuccess = t;
        online++;
      } else inv.errorsTotal++;
      points.push({
        measurement: "device_health",
        tags: tags(inv.id),
        fields: {
          online: polled !== undefined,
          errors_total: inv.errorsTotal,
          ...(inv.lastSuccess !== undefined && { last_success_age_s: (t - inv.lastSuccess) / 1000 }),
        },
        time: t,
      });
    });
    points.push({
      measurement: "gateway_health",
      tags: tags(this.gateway),
      fields: {
        queue_points: 0,
        queue_bytes: 0,
        oldest_queued_age_s: 0,
        dropped_points_total: 0,
        devices_online: online,
        devices_offline: this.#inverters.length - online,
        uplink_failures_total: 0,
        uptime_s: (t - this.#started) / 1000,
      },
      time: t,
    });
    await this.#store.write(points);
  }

  async close(): Promise<void> {
    for (const inv of this.#inverters) {
      await inv.driver.close();
      await inv.handle?.close();
    }
    await this.#links.closeAll();
  }
}
