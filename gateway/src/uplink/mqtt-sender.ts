/**
 * The MQTT uplink: the same job as Sender (outbox → central side, oldest first, in batches), over a
 * central MQTT 5 broker instead of HTTP. A batch is one QoS 1 PUBLISH of `{"points": [...]}` (gzipped by
 * default) on jisr/<institution>/<gateway_id>/points; it leaves the outbox only on its PUBACK. The
 * session is persistent (clean start off, a session expiry), so a PUBLISH in flight when the link drops
 * is sent again on reconnect; mqtt.js keeps such messages in memory only, but they are still in our
 * durable outbox, so a crash loses nothing either (duplicates are harmless: same series and timestamp).
 *
 * Who may write: the broker authenticates the gateway (user = gateway_id, password = token) and its ACL
 * lets it publish on its own topic only; ingestion checks the token again (MQTT 5 user property
 * `authorization: Bearer <token>`) against the topic's institution. See services/ingestion/src/mqtt/README.md.
 *
 * Since the gateway forgets a batch on its PUBACK, ingestion tells it afterwards what became of its batches:
 * a retained message on jisr/<institution>/<gateway_id>/feedback (feedback.ts) with the batches it keeps in
 * quarantine (a token it does not accept) and the points it refused for good. The sender subscribes to it,
 * checks it with zod and shows it in its status, which `jisr gateway status` prints.
 */
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import mqtt, { type MqttClient, type Packet } from "mqtt";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import { type ConnectionWatch, reconnectWithBackoff } from "../mqtt/reconnect.js";
import type { BackoffOptions } from "../util/backoff.js";
import { backoffDelay } from "../util/backoff.js";
import { feedbackTopicOf, parseFeedback, type UplinkFeedback } from "./feedback.js";
import type { Outbox } from "./outbox.js";
import type { SenderStatus } from "./sender.js";

const gzip = promisify(gzipCallback);

/** jisr/<institution>/<gateway_id>/points: what ingestion subscribes to (jisr/+/+/points). */
export function defaultUplinkTopic(institution: string, gatewayId: string): string {
  return `jisr/${institution}/${gatewayId}/points`;
}

export function isMqttUrl(url: string): boolean {
  return /^mqtts?:\/\//i.test(url);
}

export interface MqttSenderOptions {
  /** The central broker, mqtt:// or mqtts:// (uplink.url). */
  url: string;
  institution: string;
  gatewayId: string;
  /** The gateway's token: the MQTT password, and the `authorization` user property of every batch. */
  token: string;
  /** uplink.mqtt_topic; default jisr/<institution>/<gateway_id>/points. */
  topic?: string;
  /** Stable across restarts, so the broker resumes the session; default jisr-gw-<institution>-<gateway_id>. */
  clientId?: string;
  batchMaxPoints: number;
  flushIntervalMs: number;
  /** Longest wait for a PUBACK before the upload counts as failed (the batch stays in flight). */
  timeoutMs: number;
  outbox: Outbox;
  logger: Logger;
  /** Gzip the JSON (default true): a 5000-point batch shrinks about tenfold. */
  gzip?: boolean;
  /** How long the broker keeps the session while the gateway is away; default 7 days. */
  sessionExpirySeconds?: number;
  /** Reconnect backoff; 1 s doubling up to 5 min by default. */
  reconnect?: BackoffOptions;
  /** Backoff after a refused batch (not authorized, no subscriber): 30 s up to 10 min by default. */
  refusedRetry?: { initialMs: number; maxMs: number };
  /** Jitter source; Math.random by default. */
  random?: () => number;
  /** Where ingestion's feedback comes from; default next to the batch topic (…/feedback). */
  feedbackTopic?: string;
}

/** The options of a gateway's MQTT uplink, from its config (uplink.url is mqtt:// or mqtts://). */
export function mqttSenderOptions(config: GatewayConfig, outbox: Outbox, logger: Logger): MqttSenderOptions {
  return {
    url: config.uplink.url,
    institution: config.institution,
    gatewayId: config.gateway_id,
    token: config.uplink.token,
    ...(config.uplink.mqtt_topic !== undefined && { topic: config.uplink.mqtt_topic }),
    batchMaxPoints: config.uplink.batch_max_points,
    flushIntervalMs: config.uplink.flush_interval,
    timeoutMs: config.uplink.timeout,
    outbox,
    logger,
  };
}

export interface MqttSenderStatus extends SenderStatus {
  connected: boolean;
  /** Why the broker cannot be reached (connection refused, bad credentials), while it cannot. */
  connection_error?: string;
  /** Points of the batch published and not yet acknowledged by the broker. */
  in_flight_points: number;
  /** What ingestion last said about this gateway's batches (quarantined, refused), when it said anything. */
  feedback?: UplinkFeedback;
  /** Why the last feedback message was ignored (not valid). */
  feedback_error?: string;
}

/** PUBACK reason codes (MQTT 5, 3.4.2.1) that need a human: retry slowly and say what to check. */
const REFUSED: Record<number, string> = {
  16: "no subscriber on the topic: is ingestion running with --mqtt-url, and the topic right?",
  135: "not authorized: check the broker's ACL for this gateway (user = gateway_id)",
  144: "topic name invalid: check uplink.mqtt_topic",
  151: "quota exceeded on the broker",
  153: "payload format invalid",
};
const PACKET_TOO_LARGE = 0x95;
const NO_SUBSCRIBERS = 0x10;
/** Room for the PUBLISH header, topic and properties next to the payload. */
const PACKET_OVERHEAD_BYTES = 1024;

type Outcome =
  | { kind: "delivered" }
  | { kind: "too_large" }
  | { kind: "failed"; refused: boolean; message: string };

export class MqttSender {
  readonly #o: MqttSenderOptions;
  readonly #topic: string;
  readonly #status: SenderStatus = {
    delivered_points: 0,
    delivered_batches: 0,
    rejected_points: 0,
    failures: 0,
    failures_total: 0,
  };
  /** Message ids PUBACKed with "no matching subscribers", seen before mqtt.js resolves the publish. */
  readonly #pubacks = new Set<number>();
  #client: MqttClient | undefined;
  #watch: ConnectionWatch | undefined;
  #batchSize: number;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #inFlight: { points: number; done: Promise<Outcome> } | undefined;
  #stopping = false;
  #lastFailure: string | undefined;
  readonly #feedbackTopic: string;
  #feedback: UplinkFeedback | undefined;
  #feedbackError: string | undefined;

  constructor(options: MqttSenderOptions) {
    this.#o = options;
    this.#topic = options.topic ?? defaultUplinkTopic(options.institution, options.gatewayId);
    this.#feedbackTopic =
      options.feedbackTopic ?? feedbackTopicOf(this.#topic, options.institution, options.gatewayId);
    this.#batchSize = options.batchMaxPoints;
  }

  status(): MqttSenderStatus {
    const connected = this.#client?.connected ?? false;
    const error = connected ? undefined : this.#watch?.lastError;
    return {
      ...this.#status,
      connected,
      ...(error !== undefined && { connection_error: error }),
      in_flight_points: this.#inFlight?.points ?? 0,
      ...(this.#feedback && { feedback: this.#feedback }),
      ...(this.#feedbackError !== undefined && { feedback_error: this.#feedbackError }),
    };
  }

  /** Connects (retrying with backoff for ever) and sends every flush_interval and on every (re)connect. */
  start(): void {
    if (this.#client) return;
    const client = mqtt.connect(this.#o.url, {
      protocolVersion: 5,
      clientId: this.#o.clientId ?? `jisr-gw-${this.#o.institution}-${this.#o.gatewayId}`.slice(0, 64),
      clean: false,
      properties: { sessionExpiryInterval: this.#o.sessionExpirySeconds ?? 7 * 24 * 3600 },
      username: this.#o.gatewayId,
      password: this.#o.token,
      keepalive: 30,
      connectTimeout: 15_000,
      reconnectPeriod: 0, // reconnectWithBackoff owns reconnection
    });
    client.on("packetreceive", (packet: Packet) => {
      // Only "no matching subscribers" is recorded: mqtt.js reports it as a success.
      if (packet.cmd === "puback" && packet.messageId !== undefined && packet.reasonCode === NO_SUBSCRIBERS)
        this.#pubacks.add(packet.messageId);
    });
    client.on("message", (topic, payload) => {
      if (topic === this.#feedbackTopic) this.#onFeedback(payload);
    });
    const log = this.#o.logger;
    this.#watch = reconnectWithBackoff(client, this.#o.reconnect ?? { initialMs: 1000, maxMs: 300_000 }, {
      onUp: () => {
        log.info({ broker: this.#o.url, topic: this.#topic }, "Uplink broker connected");
        this.#subscribeFeedback(client);
        void this.flush();
      },
      onDown: (reason, failures, retryInMs) => {
        const context = {
          broker: this.#o.url,
          reason,
          retry_in_ms: retryInMs,
          queued: this.#o.outbox.size(),
        };
        if (failures === 1) log.warn(context, `Uplink broker not reachable (${reason}); data kept, retrying`);
        else log.debug(context, "Uplink broker still not reachable");
      },
    });
    this.#client = client;
    this.#timer = setInterval(() => void this.flush(), this.#o.flushIntervalMs);
  }

  /**
   * On every connection: the broker then sends the retained feedback at once. A refusal (an ACL without
   * read on the feedback topic) only costs the feedback, so it is logged, not retried.
   */
  #subscribeFeedback(client: MqttClient): void {
    client.subscribe(this.#feedbackTopic, { qos: 1 }, (err, granted) => {
      if (!err && granted?.[0]?.qos !== 128) return;
      this.#o.logger.warn(
        { topic: this.#feedbackTopic, err },
        "Broker refused the subscription to ingestion's feedback: its ACL must let this gateway read it; " +
          "quarantined or refused batches will not show in `jisr gateway status`",
      );
    });
  }

  #onFeedback(payload: Buffer): void {
    if (payload.length === 0) return; // a retained message cleared
    const parsed = parseFeedback(payload);
    if (!parsed.ok) {
      if (this.#feedbackError !== parsed.problem)
        this.#o.logger.warn(
          { topic: this.#feedbackTopic, problem: parsed.problem },
          "Ignored a feedback message that is not valid",
        );
      this.#feedbackError = parsed.problem;
      return;
    }
    const before = this.#feedback;
    const f = parsed.feedback;
    this.#feedback = f;
    this.#feedbackError = undefined;
    const context = {
      quarantined_batches: f.quarantine.batches,
      quarantined_points: f.quarantine.points,
      reasons: f.quarantine.reasons.map((r) => r.reason),
      rejected_points_total: f.totals.rejected_points,
    };
    // One line per change that matters, not per message: a quarantine that grows, points newly refused.
    if (f.quarantine.batches > (before?.quarantine.batches ?? 0))
      this.#o.logger.error(
        context,
        `Ingestion keeps ${f.quarantine.batches} batch(es) of this gateway in quarantine, not stored: ` +
          `${f.quarantine.reasons[0]?.reason ?? "token refused"}; check uplink.token`,
      );
    else if (f.quarantine.batches === 0 && (before?.quarantine.batches ?? 0) > 0)
      this.#o.logger.info(
        context,
        "Ingestion's quarantine of this gateway is empty again: its batches were stored",
      );
    if (f.totals.rejected_points > (before?.totals.rejected_points ?? 0) && before !== undefined)
      this.#o.logger.error(
        { ...context, latest: f.recent_rejections[0] },
        `Ingestion refused ${f.totals.rejected_points - before.totals.rejected_points} more reading(s) for good`,
      );
  }

  /** Sends what the outbox holds unless backing off or offline; resolves when empty or an upload failed. */
  flush(): Promise<void> {
    if (this.#draining !== undefined) return this.#draining;
    this.#draining = this.#drain()
      // The queue itself failed (a damaged file, a full disk): not the link's fault, retried slowly.
      .catch((err: unknown) =>
        this.#failed({ kind: "failed", refused: true, message: `queue: ${(err as Error).message}` }),
      )
      .finally(() => {
        this.#draining = undefined;
      });
    return this.#draining;
  }

  /** One last attempt to deliver, abandoned after `deadlineMs`; then disconnects. What is left stays queued. */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.#timer);
    const deadline = Date.now() + deadlineMs;
    this.#status.retry_at = undefined; // backoff is ignored on the way out: one more try costs little
    const lastTry = (async () => {
      await this.flush();
    })();
    await Promise.race([lastTry, sleep(deadlineMs)]);
    this.#stopping = true;
    this.#watch?.stop();
    const client = this.#client;
    if (!client) return;
    const left = Math.max(deadline - Date.now(), 0);
    await Promise.race([client.endAsync(), sleep(Math.min(left, 1000))]);
    if (!client.disconnected) await client.endAsync(true);
  }

  async #drain(): Promise<void> {
    for (;;) {
      const client = this.#client;
      if (!client?.connected || this.#stopping || this.#o.outbox.size() === 0) return;
      if (this.#status.retry_at !== undefined && Date.now() < this.#status.retry_at) return;
      // A batch still waiting for its PUBACK (link dropped, mqtt.js resends it on reconnect): never
      // publish the same entries a second time meanwhile.
      if (this.#inFlight) {
        const outcome = await Promise.race([
          this.#inFlight.done,
          sleep(this.#o.timeoutMs).then(() => undefined),
        ]);
        if (outcome === undefined)
          return this.#failed({ kind: "failed", refused: false, message: "no PUBACK within uplink.timeout" });
        continue;
      }
      const outcome = await this.#publishNext(client);
      if (outcome === undefined)
        return this.#failed({ kind: "failed", refused: false, message: "no PUBACK within uplink.timeout" });
      if (outcome.kind === "failed") return this.#failed(outcome);
    }
  }

  /** Publishes the oldest batch; resolves with its outcome, or undefined if no PUBACK came in time. */
  async #publishNext(client: MqttClient): Promise<Outcome | undefined> {
    const batch = this.#o.outbox.peek(this.#batchSize);
    const ids = batch.map((e) => e.id);
    const json = Buffer.from(JSON.stringify({ points: batch.map((e) => e.point) }));
    const payload = this.#o.gzip === false ? json : await gzip(json);
    // The broker says in CONNACK how large a packet it takes; a larger one would get us disconnected and
    // resent on every reconnect, for ever.
    const max = client.serverProperties?.maximumPacketSize;
    if (max !== undefined && payload.length + this.#topic.length + PACKET_OVERHEAD_BYTES > max) {
      return batch.length > 1 ? this.#shrink(batch.length, max) : this.#oversize(ids, payload.length, max);
    }
    const done = client
      .publishAsync(this.#topic, payload, {
        qos: 1,
        properties: {
          contentType: "application/json",
          userProperties: {
            authorization: `Bearer ${this.#o.token}`,
            ...(this.#o.gzip !== false && { "content-encoding": "gzip" }),
          },
        },
      })
      .then(
        (packet) => this.#acknowledged(ids, packet?.messageId),
        (err: Error & { code?: number }) => this.#publishError(ids.length, err),
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
    this.#inFlight = { points: ids.length, done };
    return Promise.race([done, sleep(this.#o.timeoutMs).then(() => undefined)]);
  }

  /** The PUBACK came (maybe long after the timeout, after a reconnect): the outbox lets go of the batch. */
  #acknowledged(ids: number[], messageId: number | undefined): Outcome {
    if (messageId !== undefined && this.#pubacks.delete(messageId)) {
      // Nobody got it: the broker drops a message no one subscribes to. Keep it and try again later.
      return { kind: "failed", refused: true, message: `broker: ${REFUSED[NO_SUBSCRIBERS]}` };
    }
    this.#o.outbox.ack(ids);
    const s = this.#status;
    if (s.failures > 0) this.#o.logger.info({ failed_attempts: s.failures }, "Uplink delivering again");
    s.delivered_points += ids.length;
    s.delivered_batches++;
    s.last_delivery_at = Date.now();
    s.failures = 0;
    s.retry_at = undefined;
    s.last_error = undefined;
    this.#lastFailure = undefined;
    return { kind: "delivered" };
  }

  #publishError(points: number, err: Error & { code?: number }): Outcome {
    if (err.code === PACKET_TOO_LARGE && points > 1) return this.#shrink(points);
    const reason = err.code !== undefined ? REFUSED[err.code] : undefined;
    return {
      kind: "failed",
      refused: reason !== undefined,
      message: reason ? `broker: ${reason}` : err.message,
    };
  }

  #shrink(points: number, maxBytes?: number): Outcome {
    this.#batchSize = Math.max(1, Math.floor(points / 2));
    this.#o.logger.warn(
      { batch_points: this.#batchSize, broker_max_packet_bytes: maxBytes },
      "Broker says the batch is too large; sending smaller batches (lower uplink.batch_max_points)",
    );
    return { kind: "too_large" };
  }

  /** One point larger than the broker takes can never be sent: drop it, count it, say so. */
  #oversize(ids: number[], bytes: number, maxBytes: number): Outcome {
    this.#o.outbox.ack(ids);
    this.#status.rejected_points += ids.length;
    this.#o.logger.error(
      { bytes, broker_max_packet_bytes: maxBytes, rejected_total: this.#status.rejected_points },
      "A single point is larger than the broker accepts; dropped it (raise max_packet_size on the broker)",
    );
    return { kind: "too_large" };
  }

  #failed(outcome: Extract<Outcome, { kind: "failed" }>): void {
    const s = this.#status;
    s.failures++;
    s.failures_total++;
    s.last_error = outcome.message;
    const policy = outcome.refused
      ? (this.#o.refusedRetry ?? { initialMs: 30_000, maxMs: 600_000 })
      : (this.#o.reconnect ?? { initialMs: 1000, maxMs: 300_000 });
    const delay = backoffDelay(s.failures, { ...policy, random: this.#o.random });
    s.retry_at = Date.now() + delay;
    const context = { queued: this.#o.outbox.size(), retry_in_ms: delay };
    if (outcome.message === this.#lastFailure) {
      this.#o.logger.debug(context, `Upload failed again: ${outcome.message}`);
      return;
    }
    this.#lastFailure = outcome.message;
    if (outcome.refused)
      this.#o.logger.error(context, `Uplink refused (${outcome.message}); data kept, retrying slowly`);
    else this.#o.logger.warn(context, `Upload failed (${outcome.message}); data kept, retrying`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
