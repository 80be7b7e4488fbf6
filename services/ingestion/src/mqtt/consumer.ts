/**
 * Ingestion over MQTT: subscribes (QoS 1, persistent session) to the gateways' batch topics, by default as
 * a shared subscription ($share/jisr-ingest/jisr/+/+/points) so several ingestion instances split the
 * load, and writes each batch through the same checks as HTTP (batch.ts). A batch is acknowledged (PUBACK)
 * only once stored, or once refused for good; while the store is unavailable the message is held and the
 * write retried, so the broker keeps the rest queued and nothing is lost. See README.md in this folder.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Store } from "@jisr/core/store/types";
import { StoreMisconfiguredError, StoreRejectedError } from "@jisr/core/store/types";
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { JisrError } from "../errors.js";
import { TokenRegistry } from "../tokens/registry.js";
import { type BatchLimits, decodeMqttBatch } from "./batch.js";
import { type BatchTopicFilter, batchTopicParts, parseBatchTopicFilter, subscription } from "./topic.js";

export interface MqttIngestOptions {
  url: string;
  /** Filter with two + levels, institution then gateway; default jisr/+/+/points. */
  topic: string;
  /** Shared-subscription group; "" subscribes directly (one instance only). */
  group: string;
  /** Stable across restarts and unique per instance: the broker keeps this session's queue. */
  clientId: string;
  username?: string;
  password?: string;
  store: Store;
  tokensFile: string;
  tokensPollMs?: number;
  limits: BatchLimits;
  logger: Logger;
  /** Retry of a write while the store is unavailable: first delay and ceiling (default 1 s, 30 s). */
  retry?: { initialMs: number; maxMs: number };
  /** How long the broker keeps the session while this instance is away (default 7 days). */
  sessionExpirySeconds?: number;
  /** MQTT keepalive (default 30 s). */
  keepaliveSeconds?: number;
}

export interface MqttIngestStatus {
  connected: boolean;
  /** Connections made to the broker so far (1 while the first one lasts). */
  connections: number;
  subscription: string;
  stored_batches: number;
  stored_points: number;
  /** Batches refused for good, by error code (JISR_ERR_UNAUTHORIZED, JISR_ERR_INVALID_BATCH, ...). */
  refused_batches: Record<string, number>;
  /** A batch is waiting for the store to come back. */
  holding: boolean;
  last_error?: string;
}

export interface MqttIngest {
  /** Stops taking batches; one being written is left unacknowledged (the broker sends it again). */
  stop(): Promise<void>;
  status(): MqttIngestStatus;
}

export async function startMqttIngest(o: MqttIngestOptions): Promise<MqttIngest> {
  const filter = parseBatchTopicFilter(o.topic);
  const log = o.logger.child({ component: "mqtt-ingest" });
  const tokens = new TokenRegistry({ path: o.tokensFile, log, pollMs: o.tokensPollMs });
  await tokens.start();
  const consumer = new Consumer(o, filter, tokens, log);
  consumer.connect();
  return consumer;
}

class Consumer implements MqttIngest {
  readonly #o: MqttIngestOptions;
  readonly #filter: BatchTopicFilter;
  readonly #tokens: TokenRegistry;
  readonly #log: Logger;
  readonly #subscription: string;
  readonly #status: Omit<MqttIngestStatus, "connected" | "connections" | "subscription">;
  #client: MqttClient | undefined;
  /** Counts connections, so a batch that arrived on an earlier one is never acknowledged on a later one. */
  #epoch = 0;
  readonly #keepaliveS: number;
  #stopping = false;
  readonly #stopped = new AbortController();
  readonly #lastLogged = new Map<string, number>();

  constructor(o: MqttIngestOptions, filter: BatchTopicFilter, tokens: TokenRegistry, log: Logger) {
    this.#o = o;
    this.#filter = filter;
    this.#tokens = tokens;
    this.#log = log;
    this.#subscription = subscription(o.topic, o.group);
    this.#keepaliveS = o.keepaliveSeconds ?? 30;
    this.#status = { stored_batches: 0, stored_points: 0, refused_batches: {}, holding: false };
  }

  connect(): void {
    const client = mqtt.connect(this.#o.url, {
      protocolVersion: 5,
      clientId: this.#o.clientId,
      clean: false,
      properties: { sessionExpiryInterval: this.#o.sessionExpirySeconds ?? 7 * 24 * 3600 },
      username: this.#o.username,
      password: this.#o.password,
      keepalive: this.#keepaliveS,
      reconnectPeriod: 2000,
      resubscribe: true,
    });
    client.on("error", (err) => {
      this.#status.last_error = err.message;
    });
    client.on("connect", (connack) => {
      this.#epoch++;
      this.#log.info(
        { broker: this.#o.url, session_present: connack.sessionPresent },
        "MQTT broker connected",
      );
      if (!connack.sessionPresent) this.#subscribe(client);
    });
    client.on("offline", () =>
      this.#log.warn({ broker: this.#o.url }, "MQTT broker connection lost; reconnecting"),
    );
    // mqtt.js sends the PUBACK when `done` is called: only after the batch is stored or refused for good.
    client.handleMessage = (packet, done) => {
      void this.#handle(client, packet, done);
    };
    this.#client = client;
  }

  #subscribe(client: MqttClient): void {
    client.subscribe(this.#subscription, { qos: 1 }, (err, granted) => {
      if (err || granted?.[0]?.qos === 128) {
        this.#status.last_error = `subscribe ${this.#subscription} refused${err ? `: ${err.message}` : ""}`;
        this.#log.error(
          { subscription: this.#subscription },
          "Broker refused the subscription: check its ACL",
        );
        return;
      }
      this.#log.info({ subscription: this.#subscription }, "Subscribed to gateway batches");
    });
  }

  async #handle(client: MqttClient, packet: IPublishPacket, done: (err?: Error) => void): Promise<void> {
    const epoch = this.#epoch;
    const acknowledge = await this.#process(client, packet).catch((err: unknown) => {
      // A bug, not the batch's fault; but holding it would stop every batch behind it. Drop it, loudly.
      this.#log.error({ err, topic: packet.topic }, "Internal error on a batch; dropped it");
      return true;
    });
    // Not acknowledged: the broker sends the batch again on the next connection (persistent session).
    if (acknowledge && epoch === this.#epoch && !this.#stopping) done();
  }

  /** True when the batch may be acknowledged: stored, or refused for good. */
  async #process(client: MqttClient, packet: IPublishPacket): Promise<boolean> {
    const parts = batchTopicParts(this.#filter, packet.topic);
    if (!parts)
      return this.#refused(packet.topic, "-", "JISR_ERR_INVALID_REQUEST", "topic does not fit --mqtt-topic");
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const outcome = decodeMqttBatch(
      { institution: parts.institution, payload, userProperties: packet.properties?.userProperties },
      (token) => this.#tokens.institutionOf(token),
      this.#o.limits,
    );
    if (!outcome.ok) return this.#refusedBatch(packet.topic, parts.gateway, outcome.error);
    return this.#store(client, packet.topic, parts.gateway, outcome.points);
  }

  async #store(client: MqttClient, topic: string, gateway: string, points: Parameters<Store["write"]>[0]) {
    const retry = this.#o.retry ?? { initialMs: 1000, maxMs: 30_000 };
    for (let attempt = 1; !this.#stopping; attempt++) {
      try {
        await this.#o.store.write(points);
        if (attempt > 1) this.#log.info({ attempts: attempt }, "Store back: held batch written");
        this.#status.holding = false;
        this.#status.stored_batches++;
        this.#status.stored_points += points.length;
        return true;
      } catch (err) {
        // Only a refusal of the points themselves is acknowledged. Anything else, a misconfigured store
        // (InfluxDB refusing our credentials, a missing database) included, holds the batch: it is good
        // data and goes in once the store is fixed.
        if (err instanceof StoreRejectedError) {
          return this.#refused(topic, gateway, "JISR_ERR_STORE_REJECTED", err.message);
        }
        this.#status.holding = true;
        this.#status.last_error = (err as Error).message;
        if (attempt === 1 && err instanceof StoreMisconfiguredError)
          this.#log.error(
            { err, topic, influx_status: err.status },
            `Store misconfigured: holding the batch (not acknowledged) and retrying: ${err.message}`,
          );
        else if (attempt === 1)
          this.#log.warn(
            { err, topic },
            "Store unavailable: holding the batch (not acknowledged) and retrying",
          );
        await this.#hold(client, Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1)));
      }
    }
    return false;
  }

  /**
   * Waits while keeping the connection alive. mqtt.js handles incoming packets one after the other, so
   * while this message is held its PINGRESPs wait in line too and its keepalive would time out, dropping
   * the connection; pinging here and resetting the keepalive timer keeps both sides content.
   */
  async #hold(client: MqttClient, ms: number): Promise<void> {
    const ping = setInterval(
      () => {
        if (!client.connected) return;
        client.sendPing();
        client.reschedulePing(true);
      },
      (this.#keepaliveS * 1000) / 2,
    );
    try {
      await sleep(ms, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
    } finally {
      clearInterval(ping);
    }
  }

  #refusedBatch(topic: string, gateway: string, error: JisrError): boolean {
    const detail = error.problems?.slice(0, 5).map((p) => `${p.path}: ${p.message}`);
    return this.#refused(topic, gateway, error.code, error.message, detail);
  }

  /** A batch that can never be stored: acknowledged (dropped), counted, logged at most once a minute per gateway and code. */
  #refused(topic: string, gateway: string, code: string, message: string, problems?: string[]): boolean {
    const counts = this.#status.refused_batches;
    counts[code] = (counts[code] ?? 0) + 1;
    this.#status.last_error = `${code}: ${message}`;
    const key = `${gateway}|${code}`;
    const now = Date.now();
    if (now - (this.#lastLogged.get(key) ?? 0) >= 60_000) {
      this.#lastLogged.set(key, now);
      this.#log.error(
        { topic, gateway, code, problems, refused_total: counts[code] },
        `Batch refused for good: ${message}`,
      );
    }
    return true;
  }

  status(): MqttIngestStatus {
    return {
      ...this.#status,
      refused_batches: { ...this.#status.refused_batches },
      connected: this.#client?.connected ?? false,
      connections: this.#epoch,
      subscription: this.#subscription,
    };
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#stopped.abort();
    this.#tokens.stop();
    const client = this.#client;
    if (!client) return;
    await Promise.race([client.endAsync(), new Promise((r) => setTimeout(r, 1000).unref())]);
    if (!client.disconnected) await client.endAsync(true);
  }
}
