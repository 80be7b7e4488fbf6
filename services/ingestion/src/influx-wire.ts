/**
 * The production store of ingestion: core's InfluxStore, plus `writeWire`, which sends checked batches
 * (batch/wire.ts) to InfluxDB's `/write` as the buffers they are (core's `InfluxClient.writeBuffers`, over
 * its kept-alive connections), instead of joining their lines into one string and encoding it back to UTF-8.
 *
 * Why: for a batch of 5 000 points, the join and the encoding cost the service about as much CPU as
 * checking the batch; with the request body forwarded as it came, the service's cost per point is a
 * fraction of InfluxDB's (issue 11, `npm run bench:ingestion`).
 *
 * The same guarantees as `InfluxStore.writeEncoded`: the field types of the batches are checked before
 * anything is written (a conflict goes through `write`, which names every point and writes nothing); the
 * lines go in writes of at most 5 000; InfluxDB's answers are classified by core's client, so a write
 * refused for its content is StoreRejectedError and everything else StoreUnavailableError (503 with
 * Retry-After). Every write of any kind goes through this store, so its field-type cache sees all that
 * this process writes.
 */
import type { Point } from "@jisr/core";
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

export class WireInfluxStore implements Store, EncodedWriter, WireWriter {
  readonly kind = "influxdb" as const;
  readonly inner: InfluxStore;

  constructor(options: InfluxStoreOptions) {
    this.inner = new InfluxStore(options);
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
      const add = (part: WirePart) => {
        if (lines > 0) chunks.push(NEWLINE);
        chunks.push(...part.chunks);
        lines += part.count;
      };
      for (const b of batches) {
        for (const part of b.parts) {
          if (lines > 0 && lines + part.count > MAX_LINES_PER_PART) {
            await this.inner.client.writeBuffers(chunks);
            chunks = [];
            lines = 0;
          }
          add(part);
        }
      }
      if (lines > 0) await this.inner.client.writeBuffers(chunks);
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
    await this.inner.close();
  }
}

const NEWLINE = Buffer.from("\n");
