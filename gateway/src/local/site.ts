/**
 * The gateway's life on site (issue 13, "weeks alone"): the local page and the local alerts, fed by the
 * same readings that go into the queue. Loaded by run/gateway.ts only when the config has local_page or
 * local_alerts: its time-zone work (Intl, the ICU data) and the MQTT client cost memory a gateway
 * without them does not carry.
 */
import type { Point } from "@jisr/core";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import type { GatewayStatusFile } from "../run/status-file.js";
import { type LocalAlertMessage, LocalAlerts } from "./alerts.js";
import { AlertDelivery } from "./deliver.js";
import { HotWater } from "./hot-water.js";
import { type LocalPage, type LocalSnapshot, startLocalPage } from "./page.js";
import { TodayPv } from "./today-pv.js";

/** How often alerts are judged (an offline device, a cold tank): cheap, and prompt enough on site. */
const EVALUATE_MS = 1000;

export interface LocalSiteOptions {
  logger: Logger;
  clock: () => number;
  /** The gateway's status now (devices, queue, uplink). */
  status: () => GatewayStatusFile;
}

export class LocalSite {
  readonly #config: GatewayConfig;
  readonly #o: LocalSiteOptions;
  readonly #pv = new TodayPv();
  readonly #water = new HotWater();
  readonly #alerts: LocalAlerts | undefined;
  #delivery: AlertDelivery | undefined;
  #page: LocalPage | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The last messages decided, newest last, for the page. */
  readonly #recent: LocalAlertMessage[] = [];

  constructor(config: GatewayConfig, options: LocalSiteOptions) {
    this.#config = config;
    this.#o = options;
    if (config.local_alerts)
      this.#alerts = new LocalAlerts(config.local_alerts, {
        institution: config.institution,
        gateway_id: config.gateway_id,
      });
  }

  get pageUrl(): string | undefined {
    return this.#page?.url;
  }

  record(points: readonly Point[]): void {
    this.#pv.record(points);
    this.#water.record(points);
    this.#alerts?.record(points);
  }

  /** Opens the recipients and the page; a page that cannot listen is logged, not fatal. */
  async start(): Promise<void> {
    const log = this.#o.logger;
    const { local_alerts: alerts, local_page: page } = this.#config;
    if (alerts) {
      this.#delivery = await AlertDelivery.open(alerts, log.child({ part: "alerts" }));
      this.#timer = setInterval(() => this.evaluate(), EVALUATE_MS);
      this.#timer.unref();
    }
    if (page) {
      try {
        this.#page = await startLocalPage(page, () => this.snapshot());
        log.info({ url: this.#page.url }, "Local page served");
      } catch (err) {
        // The page is a convenience: a port in use must not keep the readings from being taken.
        log.error({ err }, `Cannot serve the local page on port ${page.port}; going on without it`);
      }
    }
  }

  /** Judges the alerts now and sends what changed. */
  evaluate(): void {
    if (!this.#alerts || !this.#delivery) return;
    const now = this.#o.clock();
    const messages = this.#alerts.evaluate(now, this.#o.status().devices);
    if (messages.length > 0) {
      this.#recent.push(...messages);
      this.#recent.splice(0, Math.max(0, this.#recent.length - 20));
      for (const m of messages)
        this.#o.logger.warn(
          { alert: m.key, status: m.status, severity: m.severity },
          `Local alert: ${m.text}`,
        );
      this.#delivery.send(messages);
    }
    this.#delivery.pump(now);
  }

  snapshot(): LocalSnapshot {
    const s = this.#o.status();
    const now = this.#o.clock();
    const price = this.#config.local_page?.price_mad_per_kwh;
    const pv = this.#pv.summary(now);
    return {
      institution: s.institution,
      gateway_id: s.gateway_id,
      pv,
      ...(price !== undefined && { savings_mad: (pv.energy_wh / 1000) * price, price_mad_per_kwh: price }),
      hot_water: this.#water.summary(),
      devices: s.devices.map((d) => ({ id: d.id, online: d.state === "online" })),
      alerts: this.#alerts?.active() ?? [],
      queue_points: s.queue.points,
      ...(s.queue.oldest_queued_at !== undefined && { oldest_queued_at: s.queue.oldest_queued_at }),
      ...(s.uplink.last_delivery_at !== undefined && { last_delivery_at: s.uplink.last_delivery_at }),
      ...(this.#delivery && { alert_delivery: this.#delivery.status() }),
      now,
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#page?.close();
    await this.#delivery?.close();
  }
}
