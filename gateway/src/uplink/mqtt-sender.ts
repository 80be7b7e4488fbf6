/**
 * The MQTT uplink: the one Sender (sender.ts: outbox → central side, oldest first, in batches, live lane,
 * backoff) over an MqttTransport, a central MQTT 5 broker instead of HTTP. A batch is one QoS 1 PUBLISH of `{"points": [...]}` (gzipped by
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
import type { Point } from "@jisr/core";
import mqtt, { type MqttClient, type Packet } from "mqtt";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import { type ConnectionWatch, reconnectWithBackoff } from "../mqtt/reconnect.js";
import type { BackoffOptions } from "../util/backoff.js";
import { feedbackTopicOf, parseFeedback, type UplinkFeedback } from "./feedback.js";
import type { Outbox } from "./outbox.js";
import { Sender, type SenderStatus } from "./sender.js";
import { type Transport, type TransportOutcome, unlessAborted } from "./transport.js";

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

/** The MQTT part of the status: the connection, the batch in flight, ingestion's feedback. */
type MqttTransportStatus = Omit<MqttSenderStatus, keyof SenderStatus>;

/** The Sender over MQTT: what `new MqttSender(options)` gives is the one loop, on an MqttTransport. */
export class MqttSender extends Sender {
  readonly #transport: MqttTransport;

  constructor(options: MqttSenderOptions) {
    const transport = new MqttTransport(options);
    super({
      transport,
      batchMaxPoints: options.batchMaxPoints,
      flushIntervalMs: options.flushIntervalMs,
      timeoutMs: options.timeoutMs,
      outbox: options.outbox,
      logger: options.logger,
      // Uploads that failed for a reason that may pass back off as reconnects do.
      retry: options.reconnect ?? DEFAULT_RECONNECT,
      ...(options.refusedRetry !== undefined && { refusedRetry: options.refusedRetry }),
      ...(options.random !== undefined && { random: options.random }),
    });
    this.#transport = transport;
  }

  override status(): MqttSenderStatus {
    return { ...super.status(), ...this.#transport.status() };
  }
}

/** 1 s doubling up to 5 min. */
const DEFAULT_RECONNECT = { initialMs: 1000, maxMs: 300_000 };

/**
 * One batch = one QoS 1 PUBLISH, answered by its PUBACK. The connection is persistent and reconnects with
 * backoff for ever (reconnectWithBackoff); a PUBLISH whose PUBACK does not come in time stays in flight
 * (mqtt.js sends it again on reconnect) and its answer comes late to the Sender.
 */
export class MqttTransport implements Transport {
  readonly peer = "Broker";
  readonly #o: MqttSenderOptions;
  readonly #topic: string;
  /** Message ids PUBACKed with "no matching subscribers", seen before mqtt.js resolves the publish. */
  readonly #pubacks = new Set<number>();
  #client: MqttClient | undefined;
  #watch: ConnectionWatch | undefined;
  /** Points of the PUBLISH waiting for its PUBACK. */
  #inFlight = 0;
  #closed = false;
  readonly #feedbackTopic: string;
  #feedback: UplinkFeedback | undefined;
  #feedbackError: string | undefined;

  constructor(options: MqttSenderOptions) {
    this.#o = options;
    this.#topic = options.topic ?? defaultUplinkTopic(options.institution, options.gatewayId);
    this.#feedbackTopic =
      options.feedbackTopic ?? feedbackTopicOf(this.#topic, options.institution, options.gatewayId);
  }

  status(): MqttTransportStatus {
    const connected = this.#client?.connected ?? false;
    const error = connected ? undefined : this.#watch?.lastError;
    return {
      connected,
      ...(error !== undefined && { connection_error: error }),
      in_flight_points: this.#inFlight,
      ...(this.#feedback && { feedback: this.#feedback }),
      ...(this.#feedbackError !== undefined && { feedback_error: this.#feedbackError }),
    };
  }

  ready(): boolean {
    return !this.#closed && (this.#client?.connected ?? false);
  }

  /** Connects (retrying with backoff for ever); `ready` on every (re)connect. */
  start(ready: () => void): void {
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
    this.#watch = reconnectWithBackoff(client, this.#o.reconnect ?? DEFAULT_RECONNECT, {
      onUp: () => {
        log.info({ broker: this.#o.url, topic: this.#topic }, "Uplink broker connected");
        this.#subscribeFeedback(client);
        ready();
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
  }

  /** Disconnects, taking at most `deadlineMs` (1 s at most for a clean DISCONNECT). */
  async close(deadlineMs: number): Promise<void> {
    this.#closed = true;
    this.#watch?.stop();
    const client = this.#client;
    if (!client) return;
    await Promise.race([client.endAsync(), sleep(Math.min(deadlineMs, 1000))]);
    if (!client.disconnected) await client.endAsync(true);
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

  /** Publishes one batch; its PUBACK, or a failure that carries the PUBACK still to come (`late`). */
  async send(points: readonly Point[], signal: AbortSignal): Promise<TransportOutcome> {
    const client = this.#client;
    if (!client?.connected) return { kind: "unavailable", message: "not connected to the broker" };
    const json = Buffer.from(JSON.stringify({ points }));
    const payload = this.#o.gzip === false ? json : await gzip(json);
    // The broker says in CONNACK how large a packet it takes; a larger one would get us disconnected and
    // resent on every reconnect, for ever.
    const max = client.serverProperties?.maximumPacketSize;
    if (max !== undefined && payload.length + this.#topic.length + PACKET_OVERHEAD_BYTES > max) {
      return {
        kind: "too_large",
        ours: true, // one point this large can never be sent: set aside
        message: `${payload.length} bytes, the broker takes packets of at most ${max} bytes (raise max_packet_size on the broker)`,
      };
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
        (packet) => this.#acknowledged(packet?.messageId),
        (err: Error & { code?: number }) => publishError(points.length, err),
      )
      .finally(() => {
        this.#inFlight = 0;
      });
    this.#inFlight = points.length;
    // Its own timer as well as the signal's: what matters here is only how long the PUBACK takes.
    const outcome = await Promise.race([
      unlessAborted(done, signal),
      sleep(this.#o.timeoutMs).then(() => undefined),
    ]);
    if (outcome !== undefined) return outcome;
    const timedOut =
      !signal.aborted || (signal.reason as { name?: string } | undefined)?.name === "TimeoutError";
    return {
      kind: "unavailable",
      message: timedOut ? "no PUBACK within uplink.timeout" : "upload cancelled (gateway stopping)",
      late: done,
    };
  }

  /** The PUBACK came (maybe long after the timeout, after a reconnect). */
  #acknowledged(messageId: number | undefined): TransportOutcome {
    if (messageId !== undefined && this.#pubacks.delete(messageId)) {
      // Nobody got it: the broker drops a message no one subscribes to. Keep it and try again later.
      return { kind: "refused", message: `broker: ${REFUSED[NO_SUBSCRIBERS]}` };
    }
    return { kind: "delivered" };
  }
}

function publishError(points: number, err: Error & { code?: number }): TransportOutcome {
  if (err.code === PACKET_TOO_LARGE && points > 1)
    return { kind: "too_large", ours: false, message: "PUBACK: packet too large" };
  const reason = err.code !== undefined ? REFUSED[err.code] : undefined;
  return reason
    ? { kind: "refused", message: `broker: ${reason}` }
    : { kind: "unavailable", message: err.message };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
