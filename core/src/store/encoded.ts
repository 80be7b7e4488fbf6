/**
 * Points that were checked (every rule of `pointSchema`, by a validator that proves it; see ingestion's
 * batch/fast.ts) and encoded as line protocol once, on the way in: the store writes the lines as they
 * are, without turning them into objects, checking them again and encoding them a second time.
 *
 * Why: at thousands of points a second, the per-point work of `Store.write` (a frozen object per point,
 * a field-type lookup per field, the encoding) cost the ingestion service more CPU than InfluxDB spent
 * storing the same points (issue 11). A batch made here carries instead the set of field types its lines
 * use (one entry per measurement and field, not per point), which is all the store needs to refuse a
 * type conflict before writing anything.
 */
import type { Point } from "../point.js";
import type { KnownFieldTypes } from "./field-types.js";
import type { Store } from "./types.js";

export interface EncodedBatch {
  /** One point per line, epoch-ms timestamps, every line ready for InfluxDB's /write. */
  readonly lines: readonly string[];
  /** measurement → field → type of every field the lines carry (consistent within the batch). */
  readonly fieldTypes: KnownFieldTypes;
  /** The same points as objects, in the same order: for stores without line protocol, and to name a conflict. */
  points(): readonly Point[];
}

/** Batches made by `checkedEncodedBatch`: a store writes no other (see below). */
const sealed = new WeakSet<EncodedBatch>();

/**
 * Makes an EncodedBatch of lines whose every point passed `pointSchema` (and whatever the caller's rules
 * add). The caller vouches for that, as for `sealCheckedPoint`: a store refuses a batch not made here, so
 * nothing reaches the database unchecked by accident.
 */
export function checkedEncodedBatch(
  lines: readonly string[],
  fieldTypes: KnownFieldTypes,
  points: () => readonly Point[],
): EncodedBatch {
  let cached: readonly Point[] | undefined;
  const batch: EncodedBatch = Object.freeze({
    lines,
    fieldTypes,
    points: () => {
      cached ??= points();
      return cached;
    },
  });
  sealed.add(batch);
  return batch;
}

export function isCheckedEncodedBatch(b: unknown): b is EncodedBatch {
  return typeof b === "object" && b !== null && sealed.has(b as EncodedBatch);
}

/** A store that can take encoded batches (InfluxDB); others get `points()`. */
export interface EncodedWriter {
  /** Writes every batch or, on any error, acknowledges none (same errors as `Store.write`). */
  writeEncoded(batches: readonly EncodedBatch[]): Promise<void>;
}

export function canWriteEncoded(store: Store): store is Store & EncodedWriter {
  return typeof (store as Partial<EncodedWriter>).writeEncoded === "function";
}
