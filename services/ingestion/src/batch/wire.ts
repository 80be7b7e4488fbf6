/**
 * A checked batch as the bytes InfluxDB's `/write` takes: line protocol, one point per line, epoch-ms
 * timestamps, the institution tag injected. The fast paths (fast-bytes.ts for a line-protocol body, and
 * fast.ts's lines for JSON) make it; group commit hands it to a store that takes bytes (influx-wire.ts),
 * which writes the buffers as they are, one list of them per request to InfluxDB.
 *
 * Why bytes: for a line-protocol body the lines are the request body itself, sent on unchanged, or its
 * bytes with the institution tag injected, written into the request's own buffer; decoding it to a
 * string, joining 5 000 lines and encoding the result back to UTF-8 were a third of the service's CPU per
 * point (issue 11).
 */
import { type Point, parseLines } from "@jisr/core";
import type { EncodedBatch, KnownFieldTypes } from "@jisr/core/store";

/** InfluxDB's own advice, as core's store: at most this many lines in one write. */
export const MAX_LINES_PER_PART = 5_000;

export interface WirePart {
  /** The bytes of `count` lines separated by `\n`, in order; no trailing newline. */
  readonly chunks: readonly Buffer[];
  readonly count: number;
}

export interface WireBatch {
  /** The lines, split into parts of at most MAX_LINES_PER_PART lines. */
  readonly parts: readonly WirePart[];
  /** Points (lines) in all parts. */
  readonly count: number;
  /** measurement → field → type of every field the lines carry (consistent within the batch). */
  readonly fieldTypes: KnownFieldTypes;
  /** The same points as objects, in the same order: for stores without line protocol, and to name a conflict. */
  points(): readonly Point[];
}

/** Batches made here (by a fast path that checked every point): a store writes no other as bytes. */
const sealed = new WeakSet<WireBatch>();

export function isWireBatch(b: unknown): b is WireBatch {
  return typeof b === "object" && b !== null && sealed.has(b as WireBatch);
}

/** The points of lines a fast path wrote (valid by construction). */
function pointsOfText(text: string): Point[] {
  return parseLines(text, "ms").map((r) => {
    if (!r.ok) throw new Error(`line ${r.line} of a checked batch does not parse: ${r.error}`);
    return { ...r.point, time: r.point.time as number };
  });
}

/** The text of a part's lines (for `points()`, on the rare paths that need objects). */
function textOf(parts: readonly WirePart[]): string {
  return parts.map((p) => Buffer.concat(p.chunks as Buffer[]).toString("utf8")).join("\n");
}

/**
 * Makes a WireBatch of lines whose every point passed the rules of `pointSchema`, the point limits and
 * tenancy: the caller vouches for it, as for core's `checkedEncodedBatch`.
 */
export function checkedWireBatch(
  parts: readonly WirePart[],
  fieldTypes: KnownFieldTypes,
  points: () => readonly Point[] = () => pointsOfText(textOf(parts)),
): WireBatch {
  let cached: readonly Point[] | undefined;
  const batch: WireBatch = Object.freeze({
    parts,
    count: parts.reduce((n, p) => n + p.count, 0),
    fieldTypes,
    points: () => {
      cached ??= points();
      return cached;
    },
  });
  sealed.add(batch);
  return batch;
}

/** The lines of a batch checked as strings (fast.ts), as bytes: one buffer per part. */
export function wireOfEncoded(encoded: EncodedBatch): WireBatch {
  const parts: WirePart[] = [];
  const lines = encoded.lines;
  for (let i = 0; i < lines.length; i += MAX_LINES_PER_PART) {
    const slice = lines.slice(i, i + MAX_LINES_PER_PART);
    parts.push({ chunks: [Buffer.from(slice.join("\n"), "utf8")], count: slice.length });
  }
  return checkedWireBatch(parts, encoded.fieldTypes, () => encoded.points());
}
