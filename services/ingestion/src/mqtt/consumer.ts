/**
 * Ingestion over MQTT: subscribes (QoS 1, persistent session) to the gateways' batch topics and writes
 * each batch through the same checks as HTTP (batch.ts). Over MQTT the gateway forgets a batch once the
 * broker has it, so nothing acknowledged may be lost here:
 *
 * - A batch is acknowledged (PUBACK) only once its good points are written. While the store is unavailable
 *   the message is held and the write retried, so the broker keeps the rest queued.
 * - Its bad points (a bad field name, a field type conflict, another institution's tag) are split out and
 *   kept in the rejected table of the state file, with their reason; the good ones are stored.
 * - A batch whose token is missing, unknown (revoked) or another institution's is kept whole in the
 *   quarantine of the state file, then acknowledged so the queue does not block. It is replayed by itself
 *   when the tokens file changes and its token is now good, or when an operator asks for it
 *   (`jisr ingest-quarantine replay`).
 * - The gateway hears about both: a retained feedback message on jisr/<institution>/<gateway>/feedback
 *   (feedback.ts), shown by `jisr gateway status`.
 * See README.md in this folder.
 */
import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Point } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import { StoreMisconfiguredError, StoreRejectedError } from "@jisr/core/store";
import { readTokensFile, TokenRegistry } from "@jisr/service-kit";
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { ERR } from "../errors.js";
import {
  type Authorization,
  authorizeBatch,
  type BatchLimits,
  countPoints,
  type GoodPoint,
  itemOf,
  judgeOwner,
  payloadItem,
  splitMqttBatch,
} from "./batch.js";
import { DEFAULT_FEEDBACK_TOPIC, feedbackMessage, feedbackTopic } from "./feedback.js";
import {
  type Gateway,
  MqttIngestState,
  type QuarantineEntry,
  type Rejection,
  type StateOptions,
} from "./state.js";
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
  /** The durable state file (quarantine, rejected points) and its bounds: --mqtt-state. */
  state: StateOptions;
  /**
   * Where each gateway's feedback is published (retained, QoS 1): `{institution}` and `{gateway}` are
   * replaced; "" publishes none. Default jisr/{institution}/{gateway}/feedback.
   */
  feedbackTopic?: string;
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
  /** Batches acknowledged after their good points were written (some may have had bad points). */
  stored_batches: number;
  stored_points: number;
  /** Points refused for good and kept in the rejected table, by code, since start. */
  rejected_points: Record<string, number>;
  /** Batches that could not be read at all (not JSON, bad gzip, too large), by code, since start. */
  refused_batches: Record<string, number>;
  /** Batches put in quarantine since start, by code (JISR_ERR_UNAUTHORIZED, JISR_ERR_FORBIDDEN_INSTITUTION). */
  quarantined_batches: Record<string, number>;
  quarantined_points: number;
  /** Quarantined batches stored later (token fixed, or an operator's replay), since start. */
  replayed_batches: number;
  replayed_points: number;
  /** What waits in quarantine now (all gateways), and how many were dropped because it was full, since start. */
  quarantine: { batches: number; points: number; bytes: number; dropped_batches: number };
  state_file: string;
  /** A batch is waiting for the store to come back. */
  holding: boolean;
  last_error?: string;
}

export interface MqttIngest {
  /** Stops taking batches; one being written is left unacknowledged (the broker sends it again). */
  stop(): Promise<void>;
  status(): MqttIngestStatus;
  /** Re-checks the quarantine now (also done on every change of the tokens file and replay request). */
  replayQuarantine(): Promise<void>;
}

export async function startMqttIngest(o: MqttIngestOptions): Promise<MqttIngest> {
  const filter = parseBatchTopicFilter(o.topic);
  const log = o.logger.child({ component: "mqtt-ingest" });
  const tokens = new TokenRegistry({ path: o.tokensFile, log, pollMs: o.tokensPollMs });
  await tokens.start();
  let state: MqttIngestState;
  try {
    state = new MqttIngestState(o.state);
  } catch (err) {
    tokens.stop();
    throw new Error(`MQTT state file ${o.state.path}: ${(err as Error).message}`, { cause: err });
  }
  const consumer = new Consumer(o, filter, tokens, state, log);
  await consumer.start();
  return consumer;
}

type WriteOutcome = "ok" | "unavailable" | "stopping" | StoreRejectedError;

interface BatchContext extends Gateway {
  topic: string;
}

/** Log lines about one gateway and reason: at most one a minute, so a flood stays readable. */
const LOG_EVERY_MS = 60_000;

class Consumer implements MqttIngest {
  readonly #o: MqttIngestOptions;
  readonly #filter: BatchTopicFilter;
  readonly #tokens: TokenRegistry;
  readonly #state: MqttIngestState;
  readonly #log: Logger;
  readonly #subscription: string;
  readonly #feedbackTopic: string;
  readonly #counts = {
    stored_batches: 0,
    stored_points: 0,
    rejected_points: {} as Record<string, number>,
    refused_batches: {} as Record<string, number>,
    quarantined_batches: {} as Record<string, number>,
    quarantined_points: 0,
    replayed_batches: 0,
    replayed_points: 0,
    dropped_batches: 0,
  };
  #holding = false;
  #lastError: string | undefined;
  #client: MqttClient | undefined;
  /** Counts connections, so a batch that arrived on an earlier one is never acknowledged on a later one. */
  #epoch = 0;
  readonly #keepaliveS: number;
  #stopping = false;
  readonly #stopped = new AbortController();
  readonly #lastLogged = new Map<string, number>();
  /** Work that uses the state file; stop() waits for it before closing the file. */
  readonly #busy = new Set<Promise<unknown>>();
  /** token SHA-256 → institution, from the tokens file: quarantined batches keep only the hash. */
  #owners = new Map<string, string>();
  #tokensVersion = "";
  #timer: NodeJS.Timeout | undefined;
  #replaying: Promise<void> | undefined;
  /** One look at the tokens file and the replay requests at a time. */
  #ticking = false;
  /** A replay found the store unavailable: try again on a later tick. */
  #replayAgainAt: number | undefined;
  readonly #feedbackDue = new Map<string, BatchContext>();
  #feedbackTimer: NodeJS.Timeout | undefined;

  constructor(
    o: MqttIngestOptions,
    filter: BatchTopicFilter,
    tokens: TokenRegistry,
    state: MqttIngestState,
    log: Logger,
  ) {
    this.#o = o;
    this.#filter = filter;
    this.#tokens = tokens;
    this.#state = state;
    this.#log = log;
    this.#subscription = subscription(o.topic, o.group);
    this.#feedbackTopic = o.feedbackTopic ?? DEFAULT_FEEDBACK_TOPIC;
    this.#keepaliveS = o.keepaliveSeconds ?? 30;
  }

  async start(): Promise<void> {
    this.#tokensVersion = await this.#tokensFileVersion();
    await this.#loadOwners();
    const waiting = this.#state.summary();
    if (waiting.batches > 0)
      this.#log.warn(
        { state_file: this.#state.path, quarantined_batches: waiting.batches, points: waiting.points },
        `${waiting.batches} batch(es) wait in quarantine (token missing, unknown or another institution's): see \`jisr ingest-quarantine list --state ${this.#state.path}\``,
      );
    this.#connect();
    // Tokens may have been fixed while the service was away, and replays asked for.
    this.#track(this.replayQuarantine());
    this.#timer = setInterval(() => this.#tick(), this.#o.tokensPollMs ?? 1000);
    this.#timer.unref();
  }

  #connect(): void {
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
      this.#lastError = err.message;
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
    // mqtt.js sends the PUBACK when `done` is called: only once the batch is written, rejected or kept.
    client.handleMessage = (packet, done) => {
      this.#track(this.#handle(client, packet, done));
    };
    this.#client = client;
  }

  #track(work: Promise<unknown>): void {
    this.#busy.add(work);
    void work.finally(() => this.#busy.delete(work));
  }

  #subscribe(client: MqttClient): void {
    client.subscribe(this.#subscription, { qos: 1 }, (err, granted) => {
      if (err || granted?.[0]?.qos === 128) {
        this.#lastError = `subscribe ${this.#subscription} refused${err ? `: ${err.message}` : ""}`;
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
    const acknowledge = await this.#process(client, packet).catch((err: unknown) =>
      this.#keepAfterError(packet, err),
    );
    // Not acknowledged: the broker sends the batch again on the next connection (persistent session).
    if (acknowledge && epoch === this.#epoch && !this.#stopping) done();
    else if (!acknowledge && !this.#stopping && epoch === this.#epoch) {
      // mqtt.js takes no other packet until this one is answered: after a pause, drop the connection so
      // the broker sends the batch again, rather than stall every gateway behind it.
      await this.#hold(client, 5000);
      if (!this.#stopping && epoch === this.#epoch) client.stream.destroy();
    }
  }

  /**
   * A bug or a failing state file, not the batch's fault. The batch is kept in quarantine with the error
   * (replayable once fixed: `jisr ingest-quarantine replay`), then acknowledged; if even that fails, it is
   * not acknowledged and comes again after a reconnect. Loud either way.
   */
  #keepAfterError(packet: IPublishPacket, err: unknown): boolean {
    const message = (err as Error).message;
    this.#lastError = message;
    const parts = batchTopicParts(this.#filter, packet.topic);
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    try {
      const auth = parts
        ? authorizeBatch(parts.institution, packet.properties?.userProperties, () => undefined)
        : undefined;
      const token = auth && !auth.ok ? auth.tokenSha256 : undefined;
      this.#quarantine(
        { topic: packet.topic, institution: parts?.institution ?? "-", gateway: parts?.gateway ?? "-" },
        payload,
        {
          ok: false,
          code: ERR.INTERNAL.code,
          reason: `internal error: ${message}`,
          tokenSha256: token,
        },
      );
      this.#log.error({ err, topic: packet.topic }, "Internal error on a batch; kept it in quarantine");
      return true;
    } catch (again) {
      this.#log.error(
        { err, also: (again as Error).message, topic: packet.topic, state_file: this.#state.path },
        "Internal error on a batch, and it could not be kept in quarantine: not acknowledged (sent again after a reconnect)",
      );
      return false;
    }
  }

  /** True when the batch may be acknowledged: written, rejected or kept, all durably. */
  async #process(client: MqttClient, packet: IPublishPacket): Promise<boolean> {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const parts = batchTopicParts(this.#filter, packet.topic);
    const ctx: BatchContext = {
      topic: packet.topic,
      institution: parts?.institution ?? "-",
      gateway: parts?.gateway ?? "-",
    };
    if (!parts) {
      this.#refusedWhole(ctx, ERR.INVALID_REQUEST.code, "the topic does not fit --mqtt-topic", payload);
      return true;
    }
    const auth = authorizeBatch(ctx.institution, packet.properties?.userProperties, (t) =>
      this.#tokens.institutionOf(t),
    );
    if (!auth.ok) {
      this.#quarantine(ctx, payload, auth);
      return true;
    }
    return (await this.#ingest(ctx, payload, client)) === "ok";
  }

  /**
   * Stores the good points of a batch and keeps its bad ones with their reason. "unavailable" (replay
   * only: a live batch is held instead) and "stopping" mean nothing may be acknowledged yet.
   */
  async #ingest(
    ctx: BatchContext,
    payload: Buffer,
    client: MqttClient | undefined,
  ): Promise<"ok" | "unavailable" | "stopping"> {
    const split = splitMqttBatch(ctx.institution, payload, this.#o.limits);
    if (!split.ok) {
      this.#refusedWhole(ctx, split.error.code, split.error.message, payload);
      return "ok";
    }
    const written = await this.#writeSplitting(ctx, split.good, client);
    if (written.outcome !== "ok") return written.outcome;
    const rejections = [...split.rejections, ...written.rejections];
    this.#counts.stored_batches++;
    this.#counts.stored_points += written.stored;
    // Per batch at debug only, as HTTP requests are: at fleet scale info carries summaries.
    this.#log.debug(
      { topic: ctx.topic, institution: ctx.institution, gateway: ctx.gateway, points: written.stored },
      "MQTT batch stored",
    );
    if (rejections.length > 0) {
      this.#state.reject({ ...ctx, at: Date.now() }, rejections);
      for (const r of rejections) bump(this.#counts.rejected_points, r.code);
      const first = rejections[0] as Rejection;
      this.#logLimited(
        `${ctx.gateway}|rejected`,
        "error",
        {
          topic: ctx.topic,
          gateway: ctx.gateway,
          institution: ctx.institution,
          rejected: rejections.length,
          stored: written.stored,
          examples: rejections.slice(0, 5).map((r) => `${r.code} ${r.path}: ${r.message}`),
        },
        `Gateway "${ctx.gateway}" (${ctx.institution}): ${rejections.length} point(s) of a batch refused for good and kept with their reason, ${written.stored} stored; first: ${first.path}: ${first.message}. See \`jisr ingest-quarantine rejected --state ${this.#state.path}\``,
      );
      this.#feedback(ctx);
    }
    return "ok";
  }

  /**
   * Writes the points in parts of at most `limits.maxPoints`. A part the store refuses for what it holds
   * loses only its bad points: those the store names, or, when it names none, the single points found by
   * halving the part until they are alone (as the gateway's HTTP sender does). Writes are idempotent
   * (same series and time), so writing a part again after a partial write changes nothing.
   */
  async #writeSplitting(
    ctx: BatchContext,
    good: GoodPoint[],
    client: MqttClient | undefined,
  ): Promise<{ outcome: "ok" | "unavailable" | "stopping"; stored: number; rejections: Rejection[] }> {
    const rejections: Rejection[] = [];
    const parts: GoodPoint[][] = [];
    for (let i = 0; i < good.length; i += this.#o.limits.maxPoints)
      parts.push(good.slice(i, i + this.#o.limits.maxPoints));
    parts.reverse();
    let stored = 0;
    for (let part = parts.pop(); part !== undefined; part = parts.pop()) {
      const result = await this.#write(ctx, part, client);
      if (result === "ok") {
        stored += part.length;
        continue;
      }
      if (result === "unavailable" || result === "stopping") return { outcome: result, stored, rejections };
      // The points the store names, by their place in this part (a point may be named for several fields).
      const named = new Map<number, { path: string; message: string }[]>();
      for (const p of result.problems ?? []) {
        if (p.index < 0 || p.index >= part.length) continue; // not this part's: ignore rather than loop
        named.set(p.index, [...(named.get(p.index) ?? []), p]);
      }
      if (named.size > 0) {
        const rest: GoodPoint[] = [];
        part.forEach((g, i) => {
          const problems = named.get(i);
          if (!problems) {
            rest.push(g);
            return;
          }
          const at = (path: string) => path.replace(/^points\.\d+/, `points.${g.index}`);
          rejections.push({
            code: ERR.STORE_REJECTED.code,
            path: at((problems[0] as { path: string }).path),
            message: problems.map((p, n) => (n === 0 ? p.message : `${at(p.path)}: ${p.message}`)).join("; "),
            item: itemOf(g.raw),
          });
        });
        if (rest.length > 0) parts.push(rest);
      } else if (part.length === 1) {
        const g = part[0] as GoodPoint;
        rejections.push({
          code: ERR.STORE_REJECTED.code,
          path: `points.${g.index}`,
          message: result.message,
          item: itemOf(g.raw),
        });
      } else {
        const half = Math.ceil(part.length / 2);
        parts.push(part.slice(half), part.slice(0, half));
      }
    }
    return { outcome: "ok", stored, rejections };
  }

  /** One write; a live batch (with a client) is held and retried while the store is unavailable. */
  async #write(ctx: BatchContext, part: GoodPoint[], client: MqttClient | undefined): Promise<WriteOutcome> {
    const retry = this.#o.retry ?? { initialMs: 1000, maxMs: 30_000 };
    const points: Point[] = part.map((g) => g.point);
    for (let attempt = 1; !this.#stopping; attempt++) {
      try {
        await this.#o.store.write(points);
        if (attempt > 1) this.#log.info({ attempts: attempt }, "Store back: held batch written");
        this.#holding = false;
        return "ok";
      } catch (err) {
        // A refusal of the points themselves is split out by the caller. Anything else, a misconfigured
        // store (InfluxDB refusing our credentials, a missing database) included, holds the batch: it is
        // good data and goes in once the store is fixed.
        if (err instanceof StoreRejectedError) return err;
        this.#lastError = (err as Error).message;
        if (client === undefined) return "unavailable";
        this.#holding = true;
        if (attempt === 1 && err instanceof StoreMisconfiguredError)
          this.#log.error(
            { err, topic: ctx.topic, influx_status: err.status },
            `Store misconfigured: holding the batch (not acknowledged) and retrying: ${err.message}`,
          );
        else if (attempt === 1)
          this.#log.warn(
            { err, topic: ctx.topic },
            "Store unavailable: holding the batch (not acknowledged) and retrying",
          );
        await this.#hold(client, Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1)));
      }
    }
    return "stopping";
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

  /** A payload that can never be read: kept in the rejected table as one row, counted, logged. */
  #refusedWhole(ctx: BatchContext, code: string, message: string, payload: Buffer): void {
    bump(this.#counts.refused_batches, code);
    this.#lastError = `${code}: ${message}`;
    this.#state.reject({ ...ctx, at: Date.now() }, [
      { code, path: "(batch)", message, item: payloadItem(payload) },
    ]);
    this.#logLimited(
      `${ctx.gateway}|${code}`,
      "error",
      { topic: ctx.topic, gateway: ctx.gateway, code, refused_total: this.#counts.refused_batches[code] },
      `Gateway "${ctx.gateway}" (${ctx.institution}): a batch could not be read and was kept in the rejected table: ${message}`,
    );
    if (ctx.gateway !== "-") this.#feedback(ctx);
  }

  #quarantine(ctx: BatchContext, payload: Buffer, auth: Extract<Authorization, { ok: false }>): void {
    const points = countPoints(payload, this.#o.limits.maxBytes);
    const dropped = this.#state.quarantine({
      receivedAt: Date.now(),
      topic: ctx.topic,
      institution: ctx.institution,
      gateway: ctx.gateway,
      code: auth.code,
      reason: auth.reason,
      tokenSha256: auth.tokenSha256,
      payload,
      points,
    });
    bump(this.#counts.quarantined_batches, auth.code);
    this.#counts.quarantined_points += points;
    this.#lastError = `${auth.code}: ${auth.reason}`;
    this.#logLimited(
      `${ctx.gateway}|${auth.reason}`,
      "error",
      {
        topic: ctx.topic,
        gateway: ctx.gateway,
        institution: ctx.institution,
        code: auth.code,
        quarantined_total: this.#counts.quarantined_batches[auth.code],
      },
      `Gateway "${ctx.gateway}" (${ctx.institution}): batch quarantined, kept but not stored: ${auth.reason}. ` +
        "Fix the tokens file (`jisr token new`) or the gateway's uplink.token: quarantined batches are replayed " +
        `as soon as their token is good; list them with \`jisr ingest-quarantine list --state ${this.#state.path}\``,
    );
    if (dropped.length > 0) {
      this.#counts.dropped_batches += dropped.length;
      const lostPoints = dropped.reduce((a, d) => a + d.points, 0);
      // Loud on every occurrence: this is data lost for good.
      this.#log.error(
        {
          state_file: this.#state.path,
          dropped_batches: dropped.length,
          dropped_points: lostPoints,
          gateways: [...new Set(dropped.map((d) => `${d.institution}/${d.gateway}`))],
          dropped_total: this.#counts.dropped_batches,
        },
        "Quarantine full: dropped its OLDEST batch(es) for good. Fix the gateways' tokens, replay or raise " +
          "--mqtt-quarantine-max-batches / --mqtt-quarantine-max-bytes",
      );
      for (const d of dropped) this.#feedback(d);
    }
    this.#feedback(ctx);
  }

  /** Every tokensPollMs: a changed tokens file or an operator's replay request starts a replay. */
  #tick(): void {
    if (this.#stopping || this.#ticking) return;
    this.#ticking = true;
    this.#track(
      (async () => {
        const version = await this.#tokensFileVersion();
        const changed = version !== this.#tokensVersion;
        const retry = this.#replayAgainAt !== undefined && Date.now() >= this.#replayAgainAt;
        const requested = this.#state.replayRequests().length > 0;
        if (!changed && !retry && !requested) return;
        if (changed) {
          this.#tokensVersion = version;
          await this.#tokens.check();
          await this.#loadOwners();
        }
        await this.replayQuarantine();
      })()
        .catch((err: unknown) => this.#log.error({ err }, "Quarantine check failed; trying again"))
        .finally(() => {
          this.#ticking = false;
        }),
    );
  }

  async #tokensFileVersion(): Promise<string> {
    try {
      const s = await stat(this.#o.tokensFile);
      return `${s.ino}:${s.mtimeMs}:${s.ctimeMs}:${s.size}`;
    } catch {
      return "missing";
    }
  }

  async #loadOwners(): Promise<void> {
    try {
      const file = await readTokensFile(this.#o.tokensFile);
      this.#owners = new Map(file.tokens.map((t) => [t.sha256, t.institution]));
    } catch {
      // The registry logs a broken file and keeps the last good tokens; so do we.
    }
  }

  replayQuarantine(): Promise<void> {
    this.#replaying ??= this.#replayOnce().finally(() => {
      this.#replaying = undefined;
    });
    return this.#replaying;
  }

  /**
   * Replays what may now be stored: batches whose token is now good, and those an operator asked for
   * ('trust': the topic's institution, whatever the token). A store that is unavailable stops the pass;
   * it is tried again 5 s later.
   */
  async #replayOnce(): Promise<void> {
    this.#replayAgainAt = undefined;
    const requested = new Map(this.#state.replayRequests().map((r) => [r.id, r.replay]));
    const candidates = this.#state
      .list()
      .filter((e) => requested.has(e.id) || (e.token_sha256 !== null && this.#owners.has(e.token_sha256)));
    let replayed = 0;
    let points = 0;
    for (const entry of candidates) {
      if (this.#stopping) return;
      const mode = requested.get(entry.id);
      const auth =
        mode === "trust"
          ? ({ ok: true } as const)
          : judgeOwner(
              entry.institution,
              entry.token_sha256 === null ? undefined : this.#owners.get(entry.token_sha256),
              entry.token_sha256 ?? undefined,
            );
      if (!auth.ok) {
        if (mode !== undefined) this.#state.checked(entry.id, `still refused: ${auth.reason}`);
        continue;
      }
      const batch = this.#state.get(entry.id);
      if (!batch) continue;
      const outcome = await this.#ingest(entry, batch.payload, undefined);
      if (outcome === "stopping") return;
      if (outcome === "unavailable") {
        this.#replayAgainAt = Date.now() + 5000;
        this.#log.warn(
          { err: this.#lastError },
          "Store unavailable during a quarantine replay; trying again in 5 s",
        );
        return;
      }
      this.#state.replayed(entry);
      this.#counts.replayed_batches++;
      this.#counts.replayed_points += entry.points;
      replayed++;
      points += entry.points;
      this.#feedback(entry);
    }
    if (replayed > 0)
      this.#log.info(
        { replayed_batches: replayed, points, left: this.#state.summary().batches },
        `Quarantine: ${replayed} batch(es) replayed and stored (${points} point(s))`,
      );
  }

  /** Publishes the gateway's feedback soon (several changes in a row make one message). */
  #feedback(g: Gateway): void {
    if (this.#feedbackTopic === "" || g.gateway === "-") return;
    this.#feedbackDue.set(`${g.institution}/${g.gateway}`, { ...g, topic: "" });
    this.#feedbackTimer ??= setTimeout(() => {
      this.#feedbackTimer = undefined;
      this.#publishFeedback();
    }, 200);
  }

  #publishFeedback(): void {
    const client = this.#client;
    if (!client || this.#stopping) return;
    for (const g of this.#feedbackDue.values()) {
      const topic = feedbackTopic(this.#feedbackTopic, g);
      const body = JSON.stringify(feedbackMessage(this.#state, g, Date.now()));
      client.publish(topic, body, { qos: 1, retain: true }, (err) => {
        if (err) this.#log.warn({ err, topic }, "Could not publish a gateway's feedback");
      });
    }
    this.#feedbackDue.clear();
  }

  #logLimited(key: string, level: "error" | "warn", context: object, message: string): void {
    const now = Date.now();
    if (now - (this.#lastLogged.get(key) ?? 0) < LOG_EVERY_MS) return;
    this.#lastLogged.set(key, now);
    this.#log[level](context, message);
  }

  status(): MqttIngestStatus {
    const c = this.#counts;
    const waiting = this.#state.summary();
    return {
      connected: this.#client?.connected ?? false,
      connections: this.#epoch,
      subscription: this.#subscription,
      stored_batches: c.stored_batches,
      stored_points: c.stored_points,
      rejected_points: { ...c.rejected_points },
      refused_batches: { ...c.refused_batches },
      quarantined_batches: { ...c.quarantined_batches },
      quarantined_points: c.quarantined_points,
      replayed_batches: c.replayed_batches,
      replayed_points: c.replayed_points,
      quarantine: { ...waiting, dropped_batches: c.dropped_batches },
      state_file: this.#state.path,
      holding: this.#holding,
      ...(this.#lastError !== undefined && { last_error: this.#lastError }),
    };
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#stopped.abort();
    clearInterval(this.#timer);
    clearTimeout(this.#feedbackTimer);
    this.#tokens.stop();
    const client = this.#client;
    if (client) {
      await Promise.race([client.endAsync(), new Promise((r) => setTimeout(r, 1000).unref())]);
      if (!client.disconnected) await client.endAsync(true);
    }
    // A write in progress ends by itself (its retries stop); then the file can close.
    await Promise.race([
      Promise.allSettled([...this.#busy]),
      new Promise((r) => setTimeout(r, 10_000).unref()),
    ]);
    this.#state.close();
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export type { QuarantineEntry };
