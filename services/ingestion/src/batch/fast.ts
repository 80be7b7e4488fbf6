/**
 * The fast path of POST /write: decides "every point of this batch is valid" without zod and without
 * building a object per point, and yields the batch as line protocol ready for the store (store/encoded.ts
 * in core): the institution tag injected, every timestamp in ms, every number a float, plus the set of
 * field types the batch uses. A line-protocol body is not parsed and re-encoded: each line is copied as
 * sent, with only what must change rewritten (the institution tag added, an integer `12i` written `12`, a
 * timestamp of another precision, an exotic float such as `1e3` or `-0`).
 *
 * It only ever says yes when the reference path (json.ts / line-protocol.ts with core's zod `pointSchema`,
 * then tenancy) says yes with the same points: anything unusual (an escape it does not handle, a lone
 * surrogate, an ISO time, an overlong integer, another institution, one field with two types, any invalid
 * point) makes it give up, and the reference path decides and words the problems. batch/fast.test.ts
 * checks that equivalence on random valid and invalid batches, and that the lines store the same points.
 *
 * Why: at 5 000 points a batch, zod, the character-by-character parser and the per-point copies were most
 * of the service's CPU (issue 11), several times what InfluxDB spends storing the same points; after them,
 * the objects, the field-type check per field and the second encoding in the store were.
 *
 * A JSON body is first checked on its bytes (fast-json-bytes.ts: the same lines, no JSON.parse, no
 * objects); `fastJsonWire` here runs on the parsed body only when that scan gives up (an escape, a byte
 * over 0x7f, a duplicate key, ...). Decoding, JSON.parse and this walk over the objects took 0.31 s per
 * 100k points on the bench's 5 000-point batches, the byte scan 0.10-0.11 s (in-process, issue 11).
 */
import {
  encodeField,
  escapeKeyCached,
  type FieldValue,
  MAX_TIME,
  MIN_TIME,
  type Point,
  type Precision,
  parseLines,
} from "@jisr/core";
import type { FieldType, KnownFieldTypes } from "@jisr/core/store";
import { checkedEncodedBatch, type EncodedBatch } from "@jisr/core/store";
import type { PointLimits } from "./point.js";
import { checkedWireBatch, MAX_LINES_PER_PART, type WireBatch, type WirePart } from "./wire.js";

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_TAG_VALUE = 256;
const MAX_STRING_FIELD = 65_536;

/** A tag value pointSchema accepts: 1-256 UTF-16 units, no backslash, no C0/DEL/C1, no surrogate at all. */
function plainTagValue(v: unknown): v is string {
  if (typeof v !== "string" || v.length === 0 || v.length > MAX_TAG_VALUE) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // Surrogates, even paired, are left to the reference path: rare, and it knows the pairs.
    if (c < 0x20 || c === 0x5c || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/**
 * Names and device ids seen valid: a few hundred repeat in every batch, and JSON keys are internalised
 * strings whose hash is kept, so a set lookup is cheaper than the regular expression. Bounded.
 */
const GOOD_NAMES = new Set<string>();
const GOOD_IDS = new Set<string>();
const MAX_REMEMBERED = 20_000;

function remembered(set: Set<string>, re: RegExp, s: string): boolean {
  if (set.has(s)) return true;
  if (!re.test(s)) return false;
  if (set.size < MAX_REMEMBERED) set.add(s);
  return true;
}

const goodName = (s: string) => remembered(GOOD_NAMES, NAME, s);

function goodKey(k: string): boolean {
  return k !== "time" && goodName(k);
}

function goodFieldValue(v: unknown): v is FieldValue {
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v === "string") return v.length <= MAX_STRING_FIELD;
  return typeof v === "boolean";
}

/**
 * One JSON point, checked as pointSchema and checkPoint would (and tenancy: no other institution). Returns
 * the point (the same object, untouched) or undefined: then the reference path judges it.
 */
export function fastJsonPoint(raw: unknown, limits: PointLimits, institution: string): Point | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const p = raw as Record<string, unknown>;
  let keys = 0;
  for (const k in p) {
    if (k !== "measurement" && k !== "tags" && k !== "fields" && k !== "time") return undefined;
    keys++;
  }
  if (typeof p.measurement !== "string" || !goodName(p.measurement)) return undefined;
  const time = p.time;
  if (typeof time !== "number" || !Number.isInteger(time) || time < MIN_TIME || time > MAX_TIME)
    return undefined;
  const tags = p.tags;
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return undefined;
  const t = tags as Record<string, unknown>;
  let tagCount = 0;
  for (const k in t) {
    if (!goodKey(k) || !plainTagValue(t[k])) return undefined;
    tagCount++;
  }
  if (tagCount > limits.maxTags) return undefined;
  if (typeof t.device !== "string" || !remembered(GOOD_IDS, ID, t.device)) return undefined;
  const own = t.institution;
  if (own !== undefined && own !== institution) return undefined;
  const fields = p.fields;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return undefined;
  const f = fields as Record<string, unknown>;
  let fieldCount = 0;
  for (const k in f) {
    if (!goodKey(k) || k === "institution" || k === "device" || Object.hasOwn(t, k)) return undefined;
    if (!goodFieldValue(f[k])) return undefined;
    fieldCount++;
  }
  if (fieldCount === 0 || fieldCount > limits.maxFields || keys !== 4) return undefined;
  return p as unknown as Point;
}

/** The field types of one measurement in a batch's set, created on first use. */
function typesOf(types: KnownFieldTypes, measurement: string): Map<string, FieldType> {
  let m = types.get(measurement);
  if (m === undefined) {
    m = new Map<string, FieldType>();
    types.set(measurement, m);
  }
  return m;
}

/** Records a field's type; false when the batch already gave that field another type. */
function sameType(m: Map<string, FieldType>, key: string, type: FieldType): boolean {
  const before = m.get(key);
  if (before === undefined) {
    m.set(key, type);
    return true;
  }
  return before === type;
}

/** Pieces of the line being written: joined once, so a line is one flat string, not a rope of 30 pieces. */
const parts: string[] = [];

/** The keys of the last object sorted, as they came and sorted: the points of a batch repeat a few. */
interface LastKeys {
  sent: string[];
  sorted: string[];
}
const lastTags: LastKeys = { sent: [], sorted: [] };
const lastFields: LastKeys = { sent: [], sorted: [] };

/** The keys of `o` in sorted order; the last order computed is reused when the keys come the same way. */
function sortedKeys(o: object, last: LastKeys): readonly string[] {
  const keys = Object.keys(o);
  const sent = last.sent;
  if (keys.length === sent.length) {
    let same = true;
    for (let i = 0; i < keys.length && same; i++) same = keys[i] === sent[i];
    if (same) return last.sorted;
  }
  last.sent = keys;
  // Insertion sort: a point has a few keys, often sorted already; Array.sort costs more on these.
  const sorted = keys.slice();
  for (let i = 1; i < sorted.length; i++) {
    const k = sorted[i] as string;
    let j = i - 1;
    for (; j >= 0 && (sorted[j] as string) > k; j--) sorted[j + 1] = sorted[j] as string;
    sorted[j + 1] = k;
  }
  last.sorted = sorted;
  return sorted;
}

/**
 * One checked JSON point as the pieces of a line, pushed onto `out`: tags in sorted order with the
 * institution among them, fields in sorted order as floats, strings, booleans. False on a field whose type differs from
 * the rest of the batch.
 *
 * Sorted keys: InfluxDB 1.6 spent 15-40 % more CPU per point on lines whose tags or fields were not
 * sorted (measured with 5 000-point writes, issue 11). Keys are snake_case ASCII (checked): JavaScript's order is
 * InfluxDB's byte order, and there is nothing to escape.
 */
function jsonLine(p: Point, inject: string, types: KnownFieldTypes, out: string[]): boolean {
  out.push(p.measurement);
  const tags = p.tags;
  let injected = tags.institution !== undefined;
  for (const k of sortedKeys(tags, lastTags)) {
    if (!injected && k > "institution") {
      out.push(inject);
      injected = true;
    }
    out.push(",", k, "=", escapeKeyCached(tags[k] as string));
  }
  if (!injected) out.push(inject);
  const m = typesOf(types, p.measurement);
  let sep = " ";
  for (const k of sortedKeys(p.fields, lastFields)) {
    const v = p.fields[k] as FieldValue;
    const type: FieldType = typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : "float";
    if (!sameType(m, k, type)) return false;
    out.push(sep, k, "=", encodeField(v));
    sep = ",";
  }
  out.push(" ", String(p.time));
  return true;
}

/** The checked points of a JSON body `{ "points": [...] }`, or undefined (then the reference path judges). */
function checkedJsonPoints(body: unknown, maxPoints: number, limits: PointLimits, institution: string) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const envelope = body as Record<string, unknown>;
  for (const k in envelope) if (k !== "points") return undefined;
  const raw = envelope.points;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > maxPoints) return undefined;
  for (const p of raw) if (fastJsonPoint(p, limits, institution) === undefined) return undefined;
  return raw as Point[];
}

/**
 * A whole JSON body `{ "points": [...] }`: the batch encoded for `institution`, or undefined. A batch
 * given up on is left exactly as sent, for the reference path.
 */
export function fastJsonBatch(
  body: unknown,
  maxPoints: number,
  limits: PointLimits,
  institution: string,
): EncodedBatch | undefined {
  const points = checkedJsonPoints(body, maxPoints, limits, institution);
  if (points === undefined) return undefined;
  const inject = `,institution=${institution}`;
  const types: KnownFieldTypes = new Map();
  const lines: string[] = [];
  for (const p of points) {
    parts.length = 0;
    if (!jsonLine(p, inject, types, parts)) return undefined;
    lines.push(parts.join(""));
  }
  // The parsed objects are not kept: they die young (a scavenge), where kept until the group is written
  // they would be promoted and cost a full collection. Only a store without line protocol reads them back.
  return checkedEncodedBatch(lines, types, () => pointsOfLines(lines));
}

/**
 * The same batch as `fastJsonBatch`, made straight into bytes for the store (batch/wire.ts): each line is
 * joined from its pieces and written into one growing buffer per part of 5 000 lines, instead of keeping
 * the lines, joining them and encoding the result (half the time, measured on 5 000-point batches).
 */
export function fastJsonWire(
  body: unknown,
  maxPoints: number,
  limits: PointLimits,
  institution: string,
): WireBatch | undefined {
  const points = checkedJsonPoints(body, maxPoints, limits, institution);
  if (points === undefined) return undefined;
  const inject = `,institution=${institution}`;
  const types: KnownFieldTypes = new Map();
  const wireParts: WirePart[] = [];
  let out = Buffer.allocUnsafe(0);
  let at = 0;
  let count = 0;
  for (const p of points) {
    parts.length = 0;
    if (count > 0) parts.push("\n");
    if (!jsonLine(p, inject, types, parts)) return undefined;
    const line = parts.join("");
    // Sized from the first line for the whole part: growing by doubling copied it several times. UTF-8
    // takes at most 3 bytes per UTF-16 unit.
    if (at + line.length * 3 > out.length) {
      const lines = count === 0 ? Math.min(points.length, MAX_LINES_PER_PART) : 0;
      const larger = Buffer.allocUnsafe(
        Math.max(out.length * 2, at + line.length * 3, lines * (line.length + 32)),
      );
      out.copy(larger, 0, 0, at);
      out = larger;
    }
    at += out.write(line, at, "utf8");
    if (++count === MAX_LINES_PER_PART) {
      wireParts.push({ chunks: [out.subarray(0, at)], count });
      out = Buffer.allocUnsafe(0);
      at = 0;
      count = 0;
    }
  }
  if (count > 0) wireParts.push({ chunks: [out.subarray(0, at)], count });
  return checkedWireBatch(wireParts, types);
}

const isNameChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** The booleans of line protocol (InfluxDB reads the same ten). A Set: `constructor` is not a boolean. */
const BOOLEANS = new Set(["t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"]);
const SIGNED = /^[+-]?\d{1,15}$/;
const UNSIGNED = /^\+?\d{1,15}$/;
/** A plain decimal this long is finite for sure (the largest double has 309 digits). */
const MAX_PLAIN_NUMBER = 300;

/** Milliseconds from a timestamp's digits, as the reference parser computes them (truncated). */
export function timeMs(digits: string, precision: Precision): number {
  switch (precision) {
    case "ns":
      return digits.length > 6 ? Number(digits.slice(0, -6)) : 0;
    case "us":
      return digits.length > 3 ? Number(digits.slice(0, -3)) : 0;
    case "ms":
      return Number(digits);
    case "s":
      return Number(digits) * 1000;
  }
}

/** The points of lines this module wrote (valid by construction), for a store that needs objects. */
function pointsOfLines(lines: readonly string[]): Point[] {
  return parseLines(lines.join("\n"), "ms").map((r) => {
    if (!r.ok) throw new Error(`line ${r.line} of a checked batch does not parse: ${r.error}`);
    return { ...r.point, time: r.point.time as number };
  });
}

/**
 * A whole line-protocol body: the batch encoded for `institution`, or undefined when any line is not
 * plainly valid (the reference path then decides the whole batch and names each problem by line).
 */
export function fastLineBatch(
  body: string,
  precision: Precision,
  maxPoints: number,
  receivedAt: number,
  limits: PointLimits,
  institution: string,
): EncodedBatch | undefined {
  const lines: string[] = [];
  const types: KnownFieldTypes = new Map();
  // Keys of the current line: a tag twice, a field twice or a field named as a tag are all refused.
  const seen = new Set<string>();
  const inject = `,institution=${institution}`;
  const receivedText = ` ${receivedAt}`;
  const n = body.length;
  let i = 0;
  while (i < n) {
    let c = body.charCodeAt(i);
    if (c === 10) {
      i++;
      continue;
    }
    // The line is copied from the body piece by piece: `out` holds what was rewritten so far, `seg` is
    // where the part still to copy as sent begins.
    let out = "";
    let seg = i;
    // Measurement: snake_case, so it holds nothing to unescape.
    const mStart = i;
    if (!isLower(c)) return undefined;
    for (i++; i < n && isNameChar(body.charCodeAt(i)); i++);
    if (i - mStart > 64) return undefined;
    const measurement = body.slice(mStart, i);
    seen.clear();
    let tagCount = 0;
    let hasDevice = false;
    let hasInstitution = false;
    while (body.charCodeAt(i) === 44) {
      const kStart = ++i;
      if (!isLower(body.charCodeAt(i))) return undefined;
      for (i++; i < n && isNameChar(body.charCodeAt(i)); i++);
      if (i - kStart > 64 || body.charCodeAt(i) !== 61) return undefined;
      const key = body.slice(kStart, i);
      if (key === "time" || seen.has(key)) return undefined;
      seen.add(key);
      const vStart = ++i;
      let bareEquals = false;
      let length = 0;
      for (; i < n; i++, length++) {
        c = body.charCodeAt(i);
        if (c === 44 || c === 32) break;
        if (c === 92) {
          const next = body.charCodeAt(i + 1);
          if (next !== 44 && next !== 61 && next !== 32) return undefined;
          i++;
          continue;
        }
        if (c === 61) bareEquals = true;
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)) return undefined;
      }
      if (length === 0 || length > MAX_TAG_VALUE) return undefined;
      // Escapes make a value fail these two tests exactly when its unescaped form fails them: an id has
      // no `,`, `=` or space.
      if (key === "device") {
        if (!ID.test(body.slice(vStart, i))) return undefined;
        hasDevice = true;
      } else if (key === "institution") {
        if (i - vStart !== institution.length || !body.startsWith(institution, vStart)) return undefined;
        hasInstitution = true;
      }
      if (bareEquals) {
        // Our parser reads `a=b` as a value; InfluxDB 1.x refuses an unescaped `=` in a tag value (and
        // would fail the whole group): written escaped, as the reference encoding writes it.
        const value = body.slice(vStart, i).replace(/\\([,= ])/g, "$1");
        out += body.slice(seg, vStart) + escapeKeyCached(value);
        seg = i;
      }
      tagCount++;
    }
    if (tagCount > limits.maxTags || body.charCodeAt(i) !== 32 || !hasDevice) return undefined;
    if (!hasInstitution) {
      out += body.slice(seg, i) + inject;
      seg = i;
    }
    i++;
    const m = typesOf(types, measurement);
    let fieldCount = 0;
    for (;;) {
      const kStart = i;
      if (!isLower(body.charCodeAt(i))) return undefined;
      for (i++; i < n && isNameChar(body.charCodeAt(i)); i++);
      if (i - kStart > 64 || body.charCodeAt(i) !== 61) return undefined;
      const key = body.slice(kStart, i);
      if (key === "time" || key === "institution" || key === "device" || seen.has(key)) return undefined;
      seen.add(key);
      i++;
      let type: FieldType;
      if (body.charCodeAt(i) === 34) {
        // A string, copied as sent: `\"` and `\\` are the only escapes, read alike by InfluxDB.
        i++;
        let length = 0;
        for (; i < n; i++, length++) {
          c = body.charCodeAt(i);
          if (c === 34) break;
          if (c === 92) {
            const next = body.charCodeAt(i + 1);
            if (next !== 34 && next !== 92) return undefined;
            i++;
          }
        }
        if (i >= n || length > MAX_STRING_FIELD) return undefined;
        i++;
        type = "string";
      } else {
        // The common case first, without a string or a number made: a plain decimal `-?\d+(\.\d+)?`,
        // copied as sent (InfluxDB and Number() read it as the same double).
        const vStart = i;
        let j = i;
        let nonZero = false;
        if (body.charCodeAt(j) === 45) j++;
        const dStart = j;
        for (; j < n; j++) {
          c = body.charCodeAt(j);
          if (!isDigit(c)) break;
          if (c !== 48) nonZero = true;
        }
        let plain = j > dStart;
        if (plain && body.charCodeAt(j) === 46) {
          const fStart = ++j;
          for (; j < n; j++) {
            c = body.charCodeAt(j);
            if (!isDigit(c)) break;
            if (c !== 48) nonZero = true;
          }
          plain = j > fStart;
        }
        c = body.charCodeAt(j);
        if (plain && (j >= n || c === 44 || c === 32 || c === 10) && j - vStart <= MAX_PLAIN_NUMBER) {
          i = j;
          if (!nonZero && body.charCodeAt(vStart) === 45) {
            // -0: stored as 0, as the reference encoding writes it.
            out += `${body.slice(seg, vStart)}0`;
            seg = i;
          }
          type = "float";
        } else {
          for (i = vStart; i < n; i++) {
            c = body.charCodeAt(i);
            if (c === 44 || c === 32 || c === 10) break;
          }
          const value = otherValue(body.slice(vStart, i));
          if (value === undefined) return undefined;
          if (value === true) type = "boolean";
          else {
            // Written as the reference encoding writes it: `12i` as `12`, `1e3` as `1000`, `+1` as `1`.
            out += body.slice(seg, vStart) + value;
            seg = i;
            type = "float";
          }
        }
      }
      if (!sameType(m, key, type)) return undefined;
      fieldCount++;
      if (body.charCodeAt(i) === 44) {
        i++;
        continue;
      }
      break;
    }
    if (fieldCount > limits.maxFields) return undefined;
    if (body.charCodeAt(i) === 32) {
      const tStart = ++i;
      for (; i < n; i++) {
        c = body.charCodeAt(i);
        if (c < 48 || c > 57) break;
      }
      if (i === tStart || i - tStart > 25) return undefined;
      const time = timeMs(body.slice(tStart, i), precision);
      if (time < MIN_TIME || time > MAX_TIME) return undefined;
      if (precision !== "ms") {
        out += body.slice(seg, tStart) + String(time);
        seg = i;
      }
    } else {
      out += body.slice(seg, i) + receivedText;
      seg = i;
    }
    if (i < n && body.charCodeAt(i) !== 10) return undefined;
    lines.push(out + body.slice(seg, i));
    i++;
    if (lines.length > maxPoints) return undefined;
  }
  // An empty body is the reference path's to refuse (JISR_ERR_EMPTY_BATCH).
  if (lines.length === 0) return undefined;
  return checkedEncodedBatch(lines, types, () => pointsOfLines(lines));
}

/**
 * A field value that is not a plain decimal or a string: true for a boolean, the float as the reference
 * encoding writes it for a number (`12i`, `1e3`, `+1`, `.5`), undefined for anything else.
 */
export function otherValue(raw: string): string | true | undefined {
  if (BOOLEANS.has(raw)) return true;
  const last = raw.charCodeAt(raw.length - 1);
  let value: number;
  if (last === 105 || last === 117) {
    // i (signed) or u (unsigned) integers, written as floats as the reference parser reads them; beyond
    // 15 digits the range check is the reference path's.
    const digits = raw.slice(0, -1);
    if (!(last === 105 ? SIGNED : UNSIGNED).test(digits)) return undefined;
    value = Number(digits);
  } else {
    if (!FLOAT.test(raw)) return undefined;
    value = Number(raw);
    if (!Number.isFinite(value)) return undefined;
  }
  return String(value);
}
