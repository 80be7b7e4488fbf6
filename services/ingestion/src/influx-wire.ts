/**
 * The production store of ingestion: core's InfluxStore, plus `writeWire`, which sends checked batches
 * (batch/wire.ts) to InfluxDB's `/write` as the buffers they are, over kept-alive connections (node:http),
 * instead of joining their lines into one string and having fetch encode it back to UTF-8.
 *
 * Why: for a batch of 5 000 points, the join and the encoding cost the service about as much CPU as
 * checking the batch; with the request body forwarded as it came, the service's cost per point is a
 * fraction of InfluxDB's (issue 11, `npm run bench:ingestion`).
 *
 * The same guarantees as `InfluxStore.writeEncoded`: the field types of the batches are checked before
 * anything is written (a conflict goes through `write`, which names every point and writes nothing); the
 * lines go in writes of at most 5 000; InfluxDB's answers are classified by core's `errorFromResponse` /
 * `errorFromFailure`, so a write refused for its content is StoreRejectedError and everything else
 * StoreUnavailableError (503 with Retry-After). Every write of any kind goes through this store, so its
 * field-type cache sees all that this process writes.
 */
import http from "node:http";
import https from "node:https";
import type { Point } from "@jisr/core";
import { errorFromFailure, errorFromResponse } from "@jisr/core/influx";
import {
  type AggregateQuery,
  type EncodedBatch,
  type EncodedWriter,
  InfluxStore,
  type InfluxStoreOptions,
  type LatestQuery,
  type LatestRow,
  type SeriesResult,
  type Store,
  StoreRejectedError,
  StoreUnavailableError,
} from "@jisr/core/store";
import { MAX_LINES_PER_PART, type WireBatch, type WirePart, wireOfEncoded } from "./batch/wire.js";

/** A store that takes checked batches as bytes. */
export interface WireWriter {
  /** Writes every batch or, on any error, acknowledges none (same errors as `Store.write`). */
  writeWire(batches: readonly WireBatch[]): Promise<void>;
}

export function canWriteWire(store: Store): store is Store & WireWriter {
  return typeof (store as Partial<WireWriter>).writeWire === "function";
}

/** A write whose kept-alive connection was closed by the server as it was reused: sent once more. */
const STALE_SOCKET = new Set(["ECONNRESET", "EPIPE"]);

export class WireInfluxStore implements Store, EncodedWriter, WireWriter {
  readonly kind = "influxdb" as const;
  readonly inner: InfluxStore;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;
  readonly #url: URL;
  readonly #authorization: string | undefined;

  constructor(options: InfluxStoreOptions) {
    this.inner = new InfluxStore(options);
    const client = this.inner.client;
    this.#url = new URL(`${client.url}/write`);
    this.#url.search = new URLSearchParams({ db: client.database, precision: "ms" }).toString();
    const secure = this.#url.protocol === "https:";
    this.#request = secure ? https.request : http.request;
    this.#agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 16 });
    const auth = options.auth;
    this.#authorization = !auth
      ? undefined
      : "token" in auth
        ? `Token ${auth.token}`
        : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  /** Points (the reference path, MQTT): core's write, which checks them against the same field types. */
  write(points: readonly Point[]): Promise<void> {
    return this.inner.write(points);
  }

  writeEncoded(batches: readonly EncodedBatch[]): Promise<void> {
    return this.writeWire(batches.map(wireOfEncoded));
  }

  async writeWire(batches: readonly WireBatch[]): Promise<void> {
    const measurements = new Set<string>();
    for (const b of batches) for (const m of b.fieldTypes.keys()) measurements.add(m);
    const types = this.inner.fieldTypes;
    await types.load(measurements);
    const added = types.addedBy(batches);
    // A conflict: `write` refuses the batches naming every point (nothing is written).
    if (added === undefined) return this.write(batches.flatMap((x) => x.points()));
    await types.writing(added, async () => {
      let chunks: Buffer[] = [];
      let lines = 0;
      let bytes = 0;
      const add = (part: WirePart) => {
        if (lines > 0) {
          chunks.push(NEWLINE);
          bytes++;
        }
        for (const c of part.chunks) {
          chunks.push(c);
          bytes += c.length;
        }
        lines += part.count;
      };
      for (const b of batches) {
        for (const part of b.parts) {
          if (lines > 0 && lines + part.count > MAX_LINES_PER_PART) {
            await this.#post(chunks, bytes);
            chunks = [];
            lines = 0;
            bytes = 0;
          }
          add(part);
        }
      }
      if (lines > 0) await this.#post(chunks, bytes);
    });
  }

  /** One POST /write of `chunks` (written to the socket as they are); resolves on a 2xx answer. */
  async #post(chunks: readonly Buffer[], bytes: number): Promise<void> {
    try {
      await this.#send(chunks, bytes);
    } catch (err) {
      const stale = (err as { reusedSocket?: boolean; code?: string }).reusedSocket === true;
      if (!stale || !STALE_SOCKET.has((err as { code?: string }).code ?? "")) throw this.#failure(err);
      try {
        await this.#send(chunks, bytes);
      } catch (again) {
        throw this.#failure(again);
      }
    }
  }

  #failure(err: unknown): unknown {
    if (err instanceof StoreRejectedError || err instanceof StoreUnavailableError) return err;
    return errorFromFailure(this.#what(), err, this.inner.client.timeoutMs);
  }

  #what(): string {
    return `write to "${this.inner.client.database}" at ${this.inner.client.url}`;
  }

  #send(chunks: readonly Buffer[], bytes: number): Promise<void> {
    const timeoutMs = this.inner.client.timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {
        "content-type": "text/plain; charset=utf-8",
        "content-length": bytes,
      };
      if (this.#authorization) headers.authorization = this.#authorization;
      const req = this.#request(this.#url, { method: "POST", headers, agent: this.#agent });
      const timer = setTimeout(() => {
        const timeout = new Error(`no answer within ${timeoutMs} ms`);
        timeout.name = "TimeoutError";
        req.destroy(timeout);
      }, timeoutMs);
      req.on("error", (err: Error & { reusedSocket?: boolean }) => {
        clearTimeout(timer);
        err.reusedSocket = req.reusedSocket;
        reject(err);
      });
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        const body: Buffer[] = [];
        res.on("data", (c: Buffer) => body.push(c));
        res.on("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        res.on("end", () => {
          clearTimeout(timer);
          if (status >= 200 && status < 300) return resolve();
          const answer = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === "string") answer.set(k, v);
            else if (Array.isArray(v)) for (const x of v) answer.append(k, x);
          }
          const text = Buffer.concat(body).toString("utf8");
          reject(errorFromResponse(this.#what(), status, text, answer, "write"));
        });
      });
      // Corked: the buffers leave in one writev, not one syscall each.
      req.cork();
      for (const c of chunks) req.write(c);
      req.uncork();
      req.end();
    });
  }

  aggregate(q: AggregateQuery): Promise<SeriesResult[]> {
    return this.inner.aggregate(q);
  }

  latest(q: LatestQuery): Promise<LatestRow[]> {
    return this.inner.latest(q);
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    this.#agent.destroy();
    await this.inner.close();
  }
}

const NEWLINE = Buffer.from("\n");
