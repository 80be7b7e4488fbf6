/**
 * Wraps a Store so that `init()` (creating the database) is retried before each write until it succeeds.
 * Why: the service must start while InfluxDB is down, and a write to a database that was never created
 * is refused by InfluxDB as a client error, which would make the sender drop its data instead of retrying.
 * While init fails, writes fail with StoreUnavailableError (503, the sender keeps its data): when
 * InfluxDB answers but refuses (wrong credentials, say), StoreMisconfiguredError, which names the cause.
 */
import type { Point } from "@jisr/core";
import {
  type AggregateQuery,
  canWriteEncoded,
  type EncodedBatch,
  type EncodedWriter,
  type LatestQuery,
  type LatestRow,
  type SeriesResult,
  type Store,
  StoreMisconfiguredError,
  StoreUnavailableError,
} from "@jisr/core/store";
import type { WireBatch } from "./batch/wire.js";
import { canWriteWire, type WireWriter } from "./influx-wire.js";

export class InitOnUseStore implements Store, EncodedWriter, WireWriter {
  readonly #inner: Store;
  #initialized = false;
  #initializing: Promise<void> | undefined;

  constructor(inner: Store) {
    this.#inner = inner;
  }

  get kind(): Store["kind"] {
    return this.#inner.kind;
  }

  get initialized(): boolean {
    return this.#initialized;
  }

  /** Concurrent callers share one attempt; a failed attempt is retried by the next caller. */
  init(): Promise<void> {
    if (this.#initialized) return Promise.resolve();
    this.#initializing ??= this.#inner
      .init()
      .then(() => {
        this.#initialized = true;
      })
      .finally(() => {
        this.#initializing = undefined;
      });
    return this.#initializing;
  }

  async write(points: readonly Point[]): Promise<void> {
    await this.#ready();
    await this.#inner.write(points);
  }

  /** Encoded batches as they are when the inner store takes them (InfluxDB), their points otherwise. */
  async writeEncoded(batches: readonly EncodedBatch[]): Promise<void> {
    await this.#ready();
    if (canWriteEncoded(this.#inner)) return this.#inner.writeEncoded(batches);
    await this.#inner.write(batches.flatMap((b) => b.points()));
  }

  /** Checked batches as bytes when the inner store takes them (InfluxDB), their points otherwise. */
  async writeWire(batches: readonly WireBatch[]): Promise<void> {
    await this.#ready();
    if (canWriteWire(this.#inner)) return this.#inner.writeWire(batches);
    await this.#inner.write(batches.flatMap((b) => b.points()));
  }

  async #ready(): Promise<void> {
    try {
      await this.init();
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      const status = (err as { cause?: { status?: unknown } }).cause?.status;
      throw new StoreMisconfiguredError(
        `store init failed: ${(err as Error).message}`,
        typeof status === "number" ? status : undefined,
        { cause: err },
      );
    }
  }

  aggregate(q: AggregateQuery): Promise<SeriesResult[]> {
    return this.#inner.aggregate(q);
  }

  latest(q: LatestQuery): Promise<LatestRow[]> {
    return this.#inner.latest(q);
  }

  ping(): Promise<boolean> {
    return this.#inner.ping();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
