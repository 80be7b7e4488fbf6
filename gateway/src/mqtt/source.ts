/**
 * MQTT devices as a source of readings, the pushed kind of the gateway's Source (../sources/types.ts):
 * subscribes (QoS 1) to every configured device's topics on one broker (the site's, or the gateway's
 * embedded one), maps each message through the device's profile and hands the points to `onPoints`.
 * Each device's messages, bad payloads and silence go into the one health model (../sources/health.ts),
 * as a polled device's polls do: a device that stops publishing, or a broker that cannot be reached,
 * shows as offline. A bad payload is counted and logged with its topic (rate-limited), never thrown; a
 * lost connection is retried with backoff, forever.
 */
import { randomBytes } from "node:crypto";
import type { Point } from "@jisr/core";
import mqtt, { type IConnackPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { MqttConfig } from "../config/mqtt-schema.js";
import { type DeviceHealth, DeviceHealthTracker } from "../sources/health.js";
import type { Source } from "../sources/types.js";
import type { BackoffOptions } from "../util/backoff.js";
import { type MqttDevice, resolveMqttDevices, routeMessage } from "./devices.js";
import { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.js";
import { mapMessage } from "./map-message.js";
import { RateLimitedWarn } from "./rate-limited-log.js";
import { type ConnectionWatch, reconnectWithBackoff } from "./reconnect.js";
import { minimalFilters } from "./topic-pattern.js";

/**
 * Silent this long, a device counts as offline. Tasmota publishes every 300 s by default (TelePeriod),
 * Shelly Gen2 on every change and at least every 60 s, OpenDTU every few seconds: twice the slowest.
 */
export const MQTT_SILENT_AFTER_MS = 10 * 60_000;

export interface MqttDevicesOptions {
  institution: string;
  /** The component logger (e.g. root.child({ component: "mqtt" })); devices get a child each. */
  logger: Logger;
  /** Called with the readings of each message (synchronously, in arrival order). */
  onPoints: (points: Point[]) => void;
  /** The gateway's UTC clock (epoch ms); Date.now by default. */
  clock?: () => number;
  /** Folder relative profile paths are resolved from (the config file's); the working directory by default. */
  baseDir?: string;
  /** Reconnect backoff; 1 s doubling up to mqtt.reconnect_max_delay (30 s) by default. */
  reconnect?: BackoffOptions;
  /** Least time between two bad-payload warnings of one device; 60 s by default. */
  warnIntervalMs?: number;
}

export interface MqttDeviceStatus {
  id: string;
  profile: string;
  role: string;
  topic: string;
  messages: number;
  points: number;
  bad_payloads: number;
  /** Payload times ignored because they were further than max_clock_skew from the gateway's clock. */
  clock_skew: number;
  /** Retained messages (old values the broker kept, sent on subscribe) left out. */
  retained_skipped: number;
  /** Messages on a topic the profile reads that held none of the values it reads (logged with the topic). */
  empty_payloads: number;
  /** Components of NotifyStatus messages that the profile does not read (sys, wifi, input:0 ...). */
  ignored_components: number;
  last_message_at?: number;
  last_bad_payload?: { topic: string; message: string; at: number };
}

export interface MqttDevicesStatus {
  broker: string;
  embedded: boolean;
  connected: boolean;
  /** The broker acknowledged the subscriptions on the current connection: messages are flowing. */
  subscribed: boolean;
  /** Times the connection was lost after having been up. */
  connection_drops: number;
  last_error?: string;
  subscriptions: string[];
  /** Messages on a subscribed topic that no profile pattern matched (e.g. OpenDTU's other topics). */
  unmatched_messages: number;
  devices: MqttDeviceStatus[];
}

/** A pushed Source: it reads from the moment it is started (`start()` does nothing more). */
export interface MqttDevicesHandle extends Source {
  /** Unsubscribes, disconnects and closes the embedded broker, if any. Idempotent. */
  stop(): Promise<void>;
  /** The broker and the MQTT counters of each device. */
  status(): MqttDevicesStatus;
}

/** mqtt.reconnect_max_delay when a caller builds the config by hand. */
const DEFAULT_RECONNECT_MAX_MS = 30_000;

/**
 * Starts the MQTT devices. Throws ValidationError (nothing left running) when a device's profile cannot
 * be loaded or does not allow its role; a broker that cannot be reached does not stop the start.
 */
export async function startMqttDevices(
  config: MqttConfig,
  options: MqttDevicesOptions,
): Promise<MqttDevicesHandle> {
  const devices = resolveMqttDevices(config, options.baseDir);
  const log = options.logger;
  const embedded = config.embedded ? await startEmbeddedBroker(config.embedded, log) : undefined;
  const url = embedded?.url ?? config.url ?? "";
  const filters = minimalFilters(devices.flatMap((d) => d.topics.map((t) => t.compiled.filter)));
  const client = connect(url, config, options.institution);
  const state = new SourceState(devices, config, options);
  const policy = options.reconnect ?? {
    initialMs: 1000,
    maxMs: config.reconnect_max_delay ?? DEFAULT_RECONNECT_MAX_MS,
  };
  const watch = reconnectWithBackoff(client, policy, {
    onUp: () => log.info({ broker: url }, "MQTT broker connected"),
    onDown: (reason, failures, retryInMs) => {
      const context = { broker: url, reason, retry_in_ms: retryInMs };
      if (failures === 1) log.warn(context, `MQTT broker not reachable (${reason}); retrying`);
      else log.debug(context, "MQTT broker still not reachable");
    },
  });
  const sub = { acked: false };
  client.on("connect", (connack: IConnackPacket) => {
    sub.acked = connack.sessionPresent === true;
    if (!sub.acked) subscribe(client, filters, log, () => (sub.acked = true));
  });
  client.on("message", (topic, payload, packet) => state.handle(topic, payload, packet.retain));
  log.info(
    { broker: url, devices: devices.map((d) => d.config.id), subscriptions: filters },
    "MQTT devices started",
  );

  let stopping: Promise<void> | undefined;
  return {
    start: () => {},
    devices: (now) => state.devices(now, client.connected, url, watch.lastError),
    stop: () => {
      stopping ??= stopSource(client, watch, embedded);
      return stopping;
    },
    status: () => ({
      ...state.status(url, embedded !== undefined, watch, filters),
      connected: client.connected,
      subscribed: client.connected && sub.acked,
    }),
  };
}

function connect(url: string, config: MqttConfig, institution: string): MqttClient {
  // A configured client id means a persistent session; a random one must not leave sessions behind.
  const persistent = config.client_id !== undefined;
  return mqtt.connect(url, {
    protocolVersion: 4, // 3.1.1: what device brokers and the embedded aedes speak
    clientId: config.client_id ?? `jisr-${institution}-${randomBytes(4).toString("hex")}`.slice(0, 64),
    clean: !persistent,
    username: config.username,
    password: config.password,
    keepalive: 30,
    connectTimeout: 10_000,
    reconnectPeriod: 0, // reconnectWithBackoff owns reconnection
    resubscribe: false, // subscribed on every connect without a session (see startMqttDevices)
  });
}

function subscribe(client: MqttClient, filters: string[], log: Logger, onAck: () => void): void {
  client.subscribe(filters, { qos: 1 }, (err, granted) => {
    if (err) {
      log.error({ err: err.message, filters }, "MQTT subscribe failed; readings will not arrive");
      return;
    }
    onAck();
    const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
    if (refused.length > 0)
      log.error({ refused }, "Broker refused some subscriptions: check the broker's ACL for this user");
  });
}

async function stopSource(
  client: MqttClient,
  watch: ConnectionWatch,
  embedded?: EmbeddedBroker,
): Promise<void> {
  watch.stop();
  // A graceful DISCONNECT, but a broker that is gone must not hold the gateway's stop.
  await Promise.race([client.endAsync(), new Promise((r) => setTimeout(r, 1000).unref())]);
  if (!client.disconnected) await client.endAsync(true);
  await embedded?.close();
}

/** Counters per device, and what to do with each message. */
class SourceState {
  readonly #devices: readonly MqttDevice[];
  readonly #stats = new Map<string, MqttDeviceStatus>();
  readonly #health = new Map<string, DeviceHealthTracker>();
  readonly #options: MqttDevicesOptions;
  readonly #maxSkewMs: number;
  readonly #warn: RateLimitedWarn;
  #unmatched = 0;

  constructor(devices: readonly MqttDevice[], config: MqttConfig, options: MqttDevicesOptions) {
    this.#devices = devices;
    this.#options = options;
    this.#maxSkewMs = config.max_clock_skew;
    this.#warn = new RateLimitedWarn(options.logger, options.warnIntervalMs ?? 60_000, options.clock);
    for (const d of devices) {
      this.#stats.set(d.config.id, {
        id: d.config.id,
        profile: d.profile.name,
        role: d.role,
        topic: d.config.topic,
        messages: 0,
        points: 0,
        bad_payloads: 0,
        clock_skew: 0,
        retained_skipped: 0,
        empty_payloads: 0,
        ignored_components: 0,
      });
    }
  }

  handle(topic: string, payload: Buffer, retained: boolean): void {
    const route = routeMessage(this.#devices, topic);
    if (!route) {
      // Subscriptions only cover the profiles' topics, so this is a topic another pattern's wildcard
      // let through: counted and logged with the topic, never dropped without a trace.
      this.#unmatched++;
      this.#warn.warn(
        "unmatched",
        { topic, unmatched_messages: this.#unmatched },
        `MQTT message on ${topic} matches no configured device's topic; ignored`,
      );
      return;
    }
    const { device } = route;
    const stats = this.#stats.get(device.config.id) as MqttDeviceStatus;
    if (retained) {
      // A retained message is the last value the broker kept, of unknown age (OpenDTU retains by
      // default): stamped with the receive time it would be a reading that never happened.
      stats.retained_skipped++;
      return;
    }
    const receivedAt = (this.#options.clock ?? Date.now)();
    stats.messages++;
    stats.last_message_at = receivedAt;
    // Heard from: online, whatever the payload holds (a bad one is the profile's problem, told apart).
    const health = this.#tracker(device.config.id, receivedAt);
    health.attempt(receivedAt);
    health.online(receivedAt);
    const result = mapMessage(device, route.topic, route.captures, payload, {
      institution: this.#options.institution,
      receivedAt,
      maxClockSkewMs: this.#maxSkewMs,
    });
    if (result.kind === "bad") {
      stats.bad_payloads++;
      stats.last_bad_payload = { topic, message: result.message, at: receivedAt };
      health.failure(result.message, receivedAt);
      this.#warn.warn(
        `bad:${device.config.id}`,
        { device: device.config.id, topic, bad_payloads: stats.bad_payloads },
        `Bad payload from device "${device.config.id}" on ${topic}: ${result.message}; ignored`,
      );
      return;
    }
    if (result.clockSkew) this.#skewed(device, stats, topic);
    if (result.ignored) {
      stats.ignored_components += result.ignored.length;
      this.#options.logger.debug(
        { device: device.config.id, topic, components: result.ignored },
        "Components this profile does not read; left out",
      );
    }
    if (result.points.length === 0) {
      if (route.topic.spec.components) return;
      stats.empty_payloads++;
      stats.last_bad_payload = { topic, message: "none of the values the profile reads", at: receivedAt };
      health.error(stats.last_bad_payload.message, receivedAt);
      this.#warn.warn(
        `empty:${device.config.id}`,
        { device: device.config.id, topic, empty_payloads: stats.empty_payloads },
        `Message from device "${device.config.id}" on ${topic} holds none of the values its profile reads; ignored`,
      );
      return;
    }
    stats.points += result.points.length;
    health.readings(result.points, receivedAt);
    this.#deliver(device, result.points);
  }

  #skewed(device: MqttDevice, stats: MqttDeviceStatus, topic: string): void {
    stats.clock_skew++;
    this.#warn.warn(
      `skew:${device.config.id}`,
      { device: device.config.id, topic, clock_skew: stats.clock_skew },
      `Device "${device.config.id}" sends a time far from the gateway's clock: set its clock (NTP) or time zone; using the receive time`,
    );
  }

  #deliver(device: MqttDevice, points: Point[]): void {
    try {
      this.#options.onPoints(points);
    } catch (err) {
      // The outbox refusing points is the gateway's problem, not the device's: log, keep receiving.
      this.#options.logger.error({ err, device: device.config.id }, "Could not queue MQTT readings");
    }
  }

  /**
   * Each device's health now. Devices push, so "online" is judged here: the broker is connected and the
   * device published within MQTT_SILENT_AFTER_MS.
   */
  devices(now: number, connected: boolean, broker: string, lastError: string | undefined): DeviceHealth[] {
    return [...this.#stats.values()].map((s) => {
      const health = this.#tracker(s.id, now);
      const heard = s.last_message_at;
      if (!connected)
        health.offline(`MQTT broker ${broker} not reachable${lastError ? `: ${lastError}` : ""}`, now);
      else if (heard === undefined) {
        const why = `no message yet on ${s.topic}`;
        if (health.state === "starting") health.waiting(why);
        else health.offline(why, now);
      } else if (now - heard > MQTT_SILENT_AFTER_MS)
        health.offline(`no message on ${s.topic} for ${Math.round((now - heard) / 60_000)} min`, now);
      else health.online(now);
      return health.snapshot();
    });
  }

  /**
   * The device's health, made when first needed (its first message, or the first status), so that
   * starting costs no read of the clock: `since` is that first instant.
   */
  #tracker(id: string, at: number): DeviceHealthTracker {
    let tracker = this.#health.get(id);
    if (!tracker) {
      const logger = this.#options.logger.child({ device: id });
      tracker = new DeviceHealthTracker(id, { logger, since: at });
      this.#health.set(id, tracker);
    }
    return tracker;
  }

  status(
    broker: string,
    embedded: boolean,
    watch: ConnectionWatch,
    subscriptions: string[],
  ): Omit<MqttDevicesStatus, "connected" | "subscribed"> {
    return {
      broker,
      embedded,
      connection_drops: watch.drops,
      ...(watch.lastError !== undefined && { last_error: watch.lastError }),
      subscriptions,
      unmatched_messages: this.#unmatched,
      devices: [...this.#stats.values()].map((s) => ({
        ...s,
        ...(s.last_bad_payload && { last_bad_payload: { ...s.last_bad_payload } }),
      })),
    };
  }
}
