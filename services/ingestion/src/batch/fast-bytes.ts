/**
 * The fast path for a line-protocol body, on its bytes: the same decision as `fastLineBatch` (fast.ts)
 * and the same lines out, without decoding the body to a string. What comes out is the body itself when
 * nothing is injected or rewritten (one slice per part of 5 000 lines), else the body's ranges with the
 * institution tag, an integer `12i` as `12`, a timestamp of another precision, ... put in between, written
 * out once, into the request's pooled buffer when there is room (`partsOf`). Recording ranges as numbers
 * and writing them out at the end, instead of a slice object per range joined afterwards, halved the
 * scan's time on bodies without the institution tag (1.2-2.2 µs per point to 0.8-0.95 on the bench's
 * inverter readings, in-process).
 *
 * It takes ASCII bodies only: at the first byte over 0x7f it gives up and the caller decodes the body and
 * runs `fastLineBatch` on the text (which knows what a character is), then the reference path. For ASCII
 * text a byte is a character, so every rule (lengths, control characters, escapes) reads the same.
 * batch/fast.test.ts checks on its random batches that both give the same answer and the same bytes,
 * with and without a room to write into.
 *
 * The keys of a line are compared with those of the line before: a batch repeats the same few shapes
 * (measurement, tag keys, field keys and field types), and a line of the same shape needs no string made
 * for its keys, no duplicate check and no field-type lookup: all were done for the line before. Each key
 * is compared as it is reached, in place of its own byte checks (`sameKeyEnd`), not in a second pass over
 * the line: a quarter less time per point on the bench's inverter readings (0.062 to 0.046 s per 100k
 * points, in-process, the two versions alternating).
 */
import { escapeKeyCached, MAX_TIME, MIN_TIME, type Precision } from "@jisr/core";
import type { FieldType, KnownFieldTypes } from "@jisr/core/store";
import { otherValue, timeMs } from "./fast.js";
import type { PointLimits } from "./point.js";
import { checkedWireBatch, MAX_LINES_PER_PART, type WireBatch, type WirePart } from "./wire.js";

const MAX_TAG_VALUE = 256;
const MAX_STRING_FIELD = 65_536;
const MAX_PLAIN_NUMBER = 300;
const NEWLINE = Buffer.from("\n");
const ZERO_TEXT = Buffer.from("0");

const isNameByte = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
/** [a-z0-9_-]: a device id after its first character. */
const isIdByte = (c: number) => isLower(c) || isDigit(c) || c === 95 || c === 45;

const DEVICE = Buffer.from("device");
const INSTITUTION = Buffer.from("institution");

/** body[start, end) is a plain decimal of zeros only (`0`, `00.000`). */
function isZero(body: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (body[k] !== 48 && body[k] !== 46) return false;
  return true;
}

function equalBytes(body: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (body[start + k] !== word[k]) return false;
  return true;
}

/**
 * Where the key at `i` ends when it is, byte for byte, key `k` of `previous` followed by `stop`; else -1.
 * Such a key needs no check of its own: `previous`'s passed them. Compared four bytes at a time through
 * `view` (the body's bytes): a fifth less time for the whole scan than byte by byte (in-process, the
 * bench's inverter readings, 52-55 to 44 ms per 100k points).
 */
function sameKeyEnd(
  body: Buffer,
  view: DataView,
  i: number,
  n: number,
  previous: Shape,
  k: number,
  stop: number,
): number {
  if (k >= previous.keys) return -1;
  let s = previous.starts[k] as number;
  const end = i + (previous.ends[k] as number) - s;
  if (end >= n || body[end] !== stop) return -1;
  let j = i;
  for (; j + 4 <= end; j += 4, s += 4) if (view.getUint32(j) !== view.getUint32(s)) return -1;
  for (; j < end; j++, s++) if (body[j] !== body[s]) return -1;
  return end;
}

/** A tag value that the scan would take as it is: printable ASCII, no `,`, `=`, `\\` or space, 1-256 bytes. */
function isPlainTagValue(value: Buffer): boolean {
  if (value.length === 0 || value.length > MAX_TAG_VALUE) return false;
  for (const c of value) if (c <= 0x20 || c >= 0x7f || c === 44 || c === 61 || c === 92) return false;
  return true;
}

/** A line's keys: [measurement, tag keys..., field keys...] as start/end offsets into the body. */
class Shape {
  starts: number[] = [];
  ends: number[] = [];
  types: FieldType[] = [];
  tags = 0;
  keys = 0;
  fields = 0;

  reset(): void {
    this.tags = 0;
    this.keys = 0;
    this.fields = 0;
  }

  key(start: number, end: number): void {
    this.starts[this.keys] = start;
    this.ends[this.keys] = end;
    this.keys++;
  }

  field(type: FieldType): void {
    this.types[this.fields++] = type;
  }

  /**
   * As many keys and tags as `other`, and the same field types: with each key found the same bytes as
   * `other`'s in its place (`sameKeyEnd`), the same shape.
   */
  sameShape(other: Shape): boolean {
    if (other.keys !== this.keys || other.tags !== this.tags) return false;
    for (let k = 0; k < this.fields; k++) if (other.types[k] !== this.types[k]) return false;
    return true;
  }
}

/**
 * The rules on a line's keys that the scan does not check byte by byte: no tag key `time`, no key twice,
 * no field named `time`, `institution`, `device` or as a tag; and each field's type consistent with the
 * rest of the batch (recorded in `types`). False: the batch goes to the text paths.
 */
function checkKeys(shape: Shape, body: Buffer, types: KnownFieldTypes): boolean {
  const measurement = body.toString("latin1", shape.starts[0], shape.ends[0]);
  let m = types.get(measurement);
  if (m === undefined) {
    m = new Map<string, FieldType>();
    types.set(measurement, m);
  }
  const seen = new Set<string>();
  for (let k = 1; k < shape.keys; k++) {
    const key = body.toString("latin1", shape.starts[k], shape.ends[k]);
    if (key === "time" || seen.has(key)) return false;
    seen.add(key);
    if (k <= shape.tags) continue;
    if (key === "institution" || key === "device") return false;
    const type = shape.types[k - shape.tags - 1] as FieldType;
    const before = m.get(key);
    if (before === undefined) m.set(key, type);
    else if (before !== type) return false;
  }
  return true;
}

/**
 * The pieces a batch's lines are made of, in order: ranges of the body kept as sent, and the bytes put in
 * between (the institution tag, rewritten values). Reused from one call to the next (a call is
 * synchronous): recording a range costs two numbers, where a slice of the body was an object each.
 */
const pieceStart: number[] = [];
const pieceEnd: number[] = [];
/** The bytes of an inserted piece; undefined for a range of the body. */
const pieceBytes: Array<Buffer | undefined> = [];

/**
 * The batch's parts from the pieces: slices of the body when each part is one range of it (a body whose
 * lines need nothing injected or rewritten), else the lines written out once. Into `room` when it holds
 * the body at its start and has space for the lines: written from the end backwards, each range moved up
 * to where it goes before anything lands on it (possible when no piece is shorter than what it replaces,
 * which is checked); else into a new buffer.
 */
function partsOf(
  body: Buffer,
  room: Buffer | undefined,
  pieces: number,
  partEnds: readonly number[],
  counts: readonly number[],
): WirePart[] {
  let whole = true;
  let total = 0;
  for (let k = 0, first = 0; k < partEnds.length; first = partEnds[k++] as number)
    if ((partEnds[k] as number) - first !== 1 || pieceBytes[first] !== undefined) whole = false;
  for (let k = 0; k < pieces; k++) total += (pieceEnd[k] as number) - (pieceStart[k] as number);
  if (whole) {
    // One piece per part: part k is piece k.
    return partEnds.map((_, k) => ({
      chunks: [body.subarray(pieceStart[k] as number, pieceEnd[k] as number)],
      count: counts[k] as number,
    }));
  }
  // Backwards in place: each range must land at or above where it is read from.
  let inPlace = room !== undefined && room.buffer === body.buffer && room.byteOffset === body.byteOffset;
  inPlace &&= (room as Buffer).length >= total;
  if (inPlace) {
    for (let k = 0, at = 0; k < pieces; k++) {
      if (pieceBytes[k] === undefined && at < (pieceStart[k] as number)) {
        inPlace = false;
        break;
      }
      at += (pieceEnd[k] as number) - (pieceStart[k] as number);
    }
  }
  const out = inPlace ? (room as Buffer) : Buffer.allocUnsafe(total);
  if (inPlace) {
    for (let k = pieces - 1, at = total; k >= 0; k--) {
      const start = pieceStart[k] as number;
      const end = pieceEnd[k] as number;
      at -= end - start;
      const bytes = pieceBytes[k];
      if (bytes === undefined) out.copyWithin(at, start, end);
      else out.set(bytes, at);
    }
  } else {
    for (let k = 0, at = 0; k < pieces; k++) {
      const bytes = pieceBytes[k];
      if (bytes === undefined) at += body.copy(out, at, pieceStart[k] as number, pieceEnd[k] as number);
      else at += bytes.copy(out, at);
    }
  }
  const parts: WirePart[] = [];
  for (let k = 0, first = 0, at = 0; k < partEnds.length; first = partEnds[k++] as number) {
    let length = 0;
    for (let j = first; j < (partEnds[k] as number); j++)
      length += (pieceEnd[j] as number) - (pieceStart[j] as number);
    parts.push({ chunks: [out.subarray(at, at + length)], count: counts[k] as number });
    at += length;
  }
  return parts;
}

/**
 * A whole line-protocol body: the batch as bytes for `institution`, or undefined when the body is not
 * ASCII or any line is not plainly valid (then the text paths decide). `room`, when given, is a buffer
 * that holds the body at its start and that the lines may be written into (the request's pooled buffer,
 * plugins/app/body-pool.ts): what is injected then needs no new buffer; the body is overwritten only
 * when the batch is taken.
 */
export function fastLineBytes(
  body: Buffer,
  precision: Precision,
  maxPoints: number,
  receivedAt: number,
  limits: PointLimits,
  institution: string,
  room?: Buffer,
): WireBatch | undefined {
  try {
    return scanLines(body, precision, maxPoints, receivedAt, limits, institution, room);
  } finally {
    // Nothing of this body kept past the call.
    pieceBytes.fill(undefined);
  }
}

function scanLines(
  body: Buffer,
  precision: Precision,
  maxPoints: number,
  receivedAt: number,
  limits: PointLimits,
  institution: string,
  room: Buffer | undefined,
): WireBatch | undefined {
  const inject = Buffer.from(`,institution=${institution}`, "utf8");
  const own = Buffer.from(institution, "utf8");
  const ownIsPlain = isPlainTagValue(own);
  const received = Buffer.from(` ${receivedAt}`);
  const types: KnownFieldTypes = new Map();
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  let pieces = 0;
  const partEnds: number[] = [];
  const counts: number[] = [];
  /** body[start, end) as sent. */
  const range = (start: number, end: number) => {
    if (end <= start) return;
    pieceStart[pieces] = start;
    pieceEnd[pieces] = end;
    pieceBytes[pieces++] = undefined;
  };
  /** Bytes put in. */
  const insert = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    pieceStart[pieces] = 0;
    pieceEnd[pieces] = bytes.length;
    pieceBytes[pieces++] = bytes;
  };
  const endPart = (count: number) => {
    partEnds.push(pieces);
    counts.push(count);
  };
  let shape = new Shape();
  let previous = new Shape();
  let hasPrevious = false;
  let total = 0;
  let inPart = 0;
  // The body is copied in slices: `seg` is where the part still to copy as sent begins, `prevEnd` where
  // the previous line of this part ended (its newline is copied with the next line when they touch).
  let seg = 0;
  let prevEnd = -1;
  const n = body.length;
  let i = 0;
  while (i < n) {
    let c = body[i] as number;
    if (c === 10) {
      i++;
      continue;
    }
    if (prevEnd < 0) seg = i;
    else if (i !== prevEnd + 1) {
      // Blank lines in between: the previous line's bytes, one newline, and this line from its start.
      range(seg, prevEnd);
      insert(NEWLINE);
      seg = i;
    }
    shape.reset();
    // Each key is first tried as the same bytes as the previous line's key in its place: then it needs no
    // check of its own (that key passed them), and the line's keys need no second comparison at the end.
    let sameKeys = hasPrevious;
    const mStart = i;
    // A measurement is followed by `,`: a line without tags has no device and is refused below anyway.
    const mEnd = sameKeys ? sameKeyEnd(body, view, i, n, previous, 0, 44) : -1;
    if (mEnd >= 0) i = mEnd;
    else {
      sameKeys = false;
      if (!isLower(c)) return undefined;
      for (i++; i < n && isNameByte(body[i] as number); i++);
      if (i - mStart > 64) return undefined;
    }
    shape.key(mStart, i);
    let hasDevice = false;
    let hasInstitution = false;
    while (body[i] === 44) {
      const kStart = ++i;
      const kEnd = sameKeys ? sameKeyEnd(body, view, i, n, previous, shape.keys, 61) : -1;
      if (kEnd >= 0) i = kEnd;
      else {
        sameKeys = false;
        if (!isLower(body[i] as number)) return undefined;
        for (i++; i < n && isNameByte(body[i] as number); i++);
        if (i - kStart > 64 || body[i] !== 61) return undefined;
      }
      shape.key(kStart, i);
      shape.tags++;
      const isDevice = equalBytes(body, kStart, i, DEVICE);
      const isInstitution = !isDevice && equalBytes(body, kStart, i, INSTITUTION);
      const vStart = ++i;
      if (isInstitution && ownIsPlain) {
        // The only value taken is the token's institution as sent: its bytes need no check of their own
        // (what follows must be `,` or a space, as after any tag value: checked below).
        const vEnd = vStart + own.length;
        if (vEnd >= n || !equalBytes(body, vStart, vEnd, own)) return undefined;
        i = vEnd;
        hasInstitution = true;
        continue;
      }
      let bareEquals = false;
      let length = 0;
      for (; i < n; i++, length++) {
        c = body[i] as number;
        if (c === 44 || c === 32) break;
        if (c === 92) {
          const next = body[i + 1];
          if (next !== 44 && next !== 61 && next !== 32) return undefined;
          i++;
          continue;
        }
        if (c === 61) bareEquals = true;
        if (c < 0x20 || c >= 0x7f) return undefined;
      }
      if (length === 0 || length > MAX_TAG_VALUE) return undefined;
      if (isDevice) {
        // An id has no `,`, `=` or space, so a value with an escape fails here as in the text path.
        if (i - vStart > 63 || !(isLower(body[vStart] as number) || isDigit(body[vStart] as number)))
          return undefined;
        for (let k = vStart + 1; k < i; k++) if (!isIdByte(body[k] as number)) return undefined;
        hasDevice = true;
      } else if (isInstitution) {
        if (!equalBytes(body, vStart, i, own)) return undefined;
        hasInstitution = true;
      }
      if (bareEquals) {
        // InfluxDB 1.x refuses an unescaped `=` in a tag value: written escaped, as the text path does.
        const value = body.toString("latin1", vStart, i).replace(/\\([,= ])/g, "$1");
        range(seg, vStart);
        insert(Buffer.from(escapeKeyCached(value), "latin1"));
        seg = i;
      }
    }
    if (shape.tags > limits.maxTags || body[i] !== 32 || !hasDevice) return undefined;
    if (!hasInstitution) {
      range(seg, i);
      insert(inject);
      seg = i;
    }
    i++;
    for (;;) {
      const kStart = i;
      const kEnd = sameKeys ? sameKeyEnd(body, view, i, n, previous, shape.keys, 61) : -1;
      if (kEnd >= 0) i = kEnd;
      else {
        sameKeys = false;
        if (!isLower(body[i] as number)) return undefined;
        for (i++; i < n && isNameByte(body[i] as number); i++);
        if (i - kStart > 64 || body[i] !== 61) return undefined;
      }
      shape.key(kStart, i);
      i++;
      if (body[i] === 34) {
        // A string, copied as sent: `\"` and `\\` are the only escapes, read alike by InfluxDB.
        i++;
        let length = 0;
        for (; i < n; i++, length++) {
          c = body[i] as number;
          if (c === 34) break;
          if (c >= 0x80) return undefined;
          if (c === 92) {
            const next = body[i + 1];
            if (next !== 34 && next !== 92) return undefined;
            i++;
          }
        }
        if (i >= n || length > MAX_STRING_FIELD) return undefined;
        i++;
        shape.field("string");
      } else {
        // A plain decimal `-?\d+(\.\d+)?` is copied as sent (InfluxDB and Number() read the same double).
        const vStart = i;
        let j = i;
        const negative = body[j] === 45;
        if (negative) j++;
        const dStart = j;
        while (j < n && isDigit(body[j] as number)) j++;
        let plain = j > dStart;
        if (plain && body[j] === 46) {
          const fStart = ++j;
          while (j < n && isDigit(body[j] as number)) j++;
          plain = j > fStart;
        }
        c = body[j] as number;
        if (plain && (j >= n || c === 44 || c === 32 || c === 10) && j - vStart <= MAX_PLAIN_NUMBER) {
          i = j;
          if (negative && isZero(body, dStart, j)) {
            // -0: stored as 0, as the reference encoding writes it.
            range(seg, vStart);
            insert(ZERO_TEXT);
            seg = i;
          }
          shape.field("float");
        } else {
          for (i = vStart; i < n; i++) {
            c = body[i] as number;
            if (c === 44 || c === 32 || c === 10) break;
            if (c >= 0x80) return undefined;
          }
          const raw = body.toString("latin1", vStart, i);
          const value = otherValue(raw);
          if (value === undefined) return undefined;
          if (value !== true) {
            // Written as the reference encoding writes it: `12i` as `12`, `1e3` as `1000`, `+1` as `1`.
            range(seg, vStart);
            insert(Buffer.from(value, "latin1"));
            seg = i;
            shape.field("float");
          } else shape.field("boolean");
        }
      }
      if (body[i] === 44) {
        i++;
        continue;
      }
      break;
    }
    if (shape.fields > limits.maxFields) return undefined;
    if (body[i] === 32) {
      const tStart = ++i;
      let ms = 0;
      for (; i < n; i++) {
        c = body[i] as number;
        if (c < 48 || c > 57) break;
        ms = ms * 10 + (c - 48);
      }
      if (i === tStart || i - tStart > 25) return undefined;
      // Exact below 2^53; anything larger is far outside the range either way.
      const time = precision === "ms" ? ms : timeMs(body.toString("latin1", tStart, i), precision);
      if (time < MIN_TIME || time > MAX_TIME) return undefined;
      if (precision !== "ms") {
        range(seg, tStart);
        insert(Buffer.from(String(time), "latin1"));
        seg = i;
      }
    } else {
      range(seg, i);
      insert(received);
      seg = i;
    }
    if (i < n && body[i] !== 10) return undefined;
    if (!sameKeys || !shape.sameShape(previous)) {
      if (!checkKeys(shape, body, types)) return undefined;
      // The keys are read from the body, which does not change: this line is the one to compare with.
      const swap = previous;
      previous = shape;
      shape = swap;
      hasPrevious = true;
    }
    if (++total > maxPoints) return undefined;
    prevEnd = i;
    if (++inPart === MAX_LINES_PER_PART) {
      range(seg, prevEnd);
      endPart(inPart);
      inPart = 0;
      prevEnd = -1;
    }
    i++;
  }
  if (prevEnd >= 0) {
    range(seg, prevEnd);
    endPart(inPart);
  }
  // An empty body is the reference path's to refuse (JISR_ERR_EMPTY_BATCH).
  if (total === 0) return undefined;
  return checkedWireBatch(partsOf(body, room, pieces, partEnds, counts), types);
}
