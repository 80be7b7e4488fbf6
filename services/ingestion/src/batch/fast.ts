/**
 * The fast path of POST /write: decides "every point of this batch is valid" without zod and without
 * building intermediate objects, and yields the points ready for the store (institution tag set, in
 * place). It only ever says yes when the reference path (json.ts / line-protocol.ts with core's zod
 * `pointSchema`, then tenancy) says yes with the same points: anything unusual (an escape it does not
 * handle, a lone surrogate, an ISO time, an overlong integer, another institution, any invalid point) makes
 * it give up, and the reference path decides and words the problems. batch/fast.test.ts checks that
 * equivalence on random valid and invalid batches.
 *
 * Why: at 5 000 points a batch, zod, the character-by-character parser and the per-point copies were most
 * of the service's CPU (issue 11), several times what InfluxDB spends storing the same points.
 */
import type { Precision } from "@jisr/core/line-protocol";
import { type FieldValue, MAX_TIME, MIN_TIME, type Point } from "@jisr/core/point";
import type { PointLimits } from "./point.js";

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

function goodKey(k: string): boolean {
  return k !== "time" && NAME.test(k);
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
  if (typeof p.measurement !== "string" || !NAME.test(p.measurement)) return undefined;
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
  if (typeof t.device !== "string" || !ID.test(t.device)) return undefined;
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

/**
 * A whole JSON body `{ "points": [...] }`: the points, claimed for `institution` (in place, once every
 * point passed, so a batch handed to the reference path is exactly as sent), or undefined.
 */
export function fastJsonBatch(
  body: unknown,
  maxPoints: number,
  limits: PointLimits,
  institution: string,
): Point[] | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const envelope = body as Record<string, unknown>;
  for (const k in envelope) if (k !== "points") return undefined;
  const raw = envelope.points;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > maxPoints) return undefined;
  for (const p of raw) if (fastJsonPoint(p, limits, institution) === undefined) return undefined;
  const points = raw as Point[];
  for (const p of points) if (p.tags.institution === undefined) p.tags.institution = institution;
  return points;
}

const isNameChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
const isLower = (c: number) => c >= 97 && c <= 122;

const BOOLEANS: Record<string, boolean> = {
  t: true,
  T: true,
  true: true,
  True: true,
  TRUE: true,
  f: false,
  F: false,
  false: false,
  False: false,
  FALSE: false,
};

/** Milliseconds from a timestamp's digits, as the reference parser computes them (truncated). */
function timeMs(digits: string, precision: Precision): number {
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

/**
 * A whole line-protocol body: the points, claimed for `institution`, or undefined when any line is not
 * plainly valid (the reference path then decides the whole batch and names each problem by line).
 */
export function fastLineBatch(
  body: string,
  precision: Precision,
  maxPoints: number,
  receivedAt: number,
  limits: PointLimits,
  institution: string,
): Point[] | undefined {
  const points: Point[] = [];
  const n = body.length;
  let i = 0;
  while (i < n) {
    let c = body.charCodeAt(i);
    if (c === 10) {
      i++;
      continue;
    }
    // Measurement: snake_case, so it holds nothing to unescape.
    const mStart = i;
    if (!isLower(c)) return undefined;
    for (i++; i < n && isNameChar(body.charCodeAt(i)); i++);
    if (i - mStart > 64) return undefined;
    const measurement = body.slice(mStart, i);
    const tags: Record<string, string> = {};
    let tagCount = 0;
    while (body.charCodeAt(i) === 44) {
      const kStart = ++i;
      if (!isLower(body.charCodeAt(i))) return undefined;
      for (i++; i < n && isNameChar(body.charCodeAt(i)); i++);
      if (i - kStart > 64 || body.charCodeAt(i) !== 61) return undefined;
      const key = body.slice(kStart, i);
      if (key === "time" || Object.hasOwn(tags, key)) return undefined;
      const vStart = ++i;
      let escaped = false;
      let length = 0;
      for (; i < n; i++, length++) {
        c = body.charCodeAt(i);
        if (c === 44 || c === 32) break;
        if (c === 92) {
          const next = body.charCodeAt(i + 1);
          if (next !== 44 && next !== 61 && next !== 32) return undefined;
          escaped = true;
          i++;
          continue;
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)) return undefined;
      }
      if (length === 0 || length > MAX_TAG_VALUE) return undefined;
      const raw = body.slice(vStart, i);
      tags[key] = escaped ? raw.replace(/\\([,= ])/g, "$1") : raw;
      tagCount++;
    }
    if (tagCount > limits.maxTags || body.charCodeAt(i) !== 32) return undefined;
    if (tags.device === undefined || !ID.test(tags.device)) return undefined;
    if (tags.institution !== undefined && tags.institution !== institution) return undefined;
    i++;
    const fields: Record<string, FieldValue> = {};
    let fieldCount = 0;
    for (;;) {
      const kStart = i;
      if (!isLower(body.charCodeAt(i))) return undefined;
      for (i++; i < n && isNameChar(body.charCodeAt(i)); i++);
      if (i - kStart > 64 || body.charCodeAt(i) !== 61) return undefined;
      const key = body.slice(kStart, i);
      if (key === "time" || key === "institution" || key === "device") return undefined;
      if (Object.hasOwn(tags, key) || Object.hasOwn(fields, key)) return undefined;
      i++;
      if (body.charCodeAt(i) === 34) {
        const sStart = ++i;
        let escaped = false;
        let length = 0;
        for (; i < n; i++, length++) {
          c = body.charCodeAt(i);
          if (c === 34) break;
          if (c === 92) {
            const next = body.charCodeAt(i + 1);
            if (next !== 34 && next !== 92) return undefined;
            escaped = true;
            i++;
          }
        }
        if (i >= n || length > MAX_STRING_FIELD) return undefined;
        const raw = body.slice(sStart, i);
        fields[key] = escaped ? raw.replace(/\\(["\\])/g, "$1") : raw;
        i++;
      } else {
        const vStart = i;
        for (; i < n; i++) {
          c = body.charCodeAt(i);
          if (c === 44 || c === 32 || c === 10) break;
        }
        const raw = body.slice(vStart, i);
        const last = raw.charCodeAt(raw.length - 1);
        let value: FieldValue | undefined;
        if (last === 105 || last === 117) {
          // i (signed) or u (unsigned) integers, read as floats as the reference parser does; beyond
          // 15 digits the range check is the reference path's.
          const digits = raw.slice(0, -1);
          if (!(last === 105 ? /^[+-]?\d{1,15}$/ : /^\+?\d{1,15}$/).test(digits)) return undefined;
          value = Number(digits);
        } else {
          value = BOOLEANS[raw];
          if (value === undefined) {
            if (!FLOAT.test(raw)) return undefined;
            value = Number(raw);
            if (!Number.isFinite(value)) return undefined;
          }
        }
        fields[key] = value;
      }
      fieldCount++;
      if (body.charCodeAt(i) === 44) {
        i++;
        continue;
      }
      break;
    }
    if (fieldCount > limits.maxFields) return undefined;
    let time = receivedAt;
    if (body.charCodeAt(i) === 32) {
      const tStart = ++i;
      for (; i < n; i++) {
        c = body.charCodeAt(i);
        if (c < 48 || c > 57) break;
      }
      if (i === tStart || i - tStart > 25) return undefined;
      time = timeMs(body.slice(tStart, i), precision);
      if (time < MIN_TIME || time > MAX_TIME) return undefined;
    }
    if (i < n && body.charCodeAt(i) !== 10) return undefined;
    i++;
    if (tags.institution === undefined) tags.institution = institution;
    points.push({ measurement, tags, fields, time });
    if (points.length > maxPoints) return undefined;
  }
  // An empty body is the reference path's to refuse (JISR_ERR_EMPTY_BATCH).
  return points.length > 0 ? points : undefined;
}
