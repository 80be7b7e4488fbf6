/**
 * The fast path for a JSON body `{"points":[...]}`, on its bytes: decides that the batch is plainly
 * valid without JSON.parse and without an object per point, and writes the line protocol straight into
 * the output buffers, the same bytes and field types as `fastJsonWire` (fast.ts) makes from the parsed
 * body. The bytes of keys, tag values, strings and most numbers are copied as sent.
 *
 * It only ever says yes when Fastify's JSON parser and `fastJsonWire` (and behind them the reference path,
 * json.ts with core's `pointSchema`, then tenancy) say yes with the same points. Anything it is not sure
 * of gives up (undefined), and the route parses the body as before: any byte over 0x7f, any backslash
 * escape, `null`, a nested array, a key given twice (JSON.parse keeps the last), `__proto__` or
 * `constructor` as a key (Fastify's poisoning checks answer those), a number it cannot write as
 * `encodeField` would, and every point `fastJsonPoint` refuses. batch/fast-json-bytes.test.ts checks on
 * random valid and hostile bodies that whenever it says yes, the parsed path says yes with the same bytes.
 *
 * Why: on 5 000-point batches, decoding the body to a string, JSON.parse and walking the objects cost
 * 0.49 CPU s per 100k points in the service, where the HTTP floor is about 0.15 s (issue 11); in-process,
 * 0.31 s against 0.10-0.11 s for this scan.
 *
 * A point's keys are compared with those of the point before while they are scanned (bytes in the body,
 * which does not change), then with the shapes seen earlier in the batch: a batch repeats a few shapes
 * (measurement and keys), and a point of a known shape needs no key strings, no sort, no duplicate check
 * and no field-type lookup.
 */
import { encodeField, escapeKeyCached, MAX_TIME, MIN_TIME } from "@jisr/core";
import type { FieldType, KnownFieldTypes } from "@jisr/core/store";
import type { PointLimits } from "./point.js";
import { checkedWireBatch, MAX_LINES_PER_PART, type WireBatch, type WirePart } from "./wire.js";

const MAX_NAME = 64;
const MAX_ID = 63;
const MAX_TAG_VALUE = 256;
const MAX_STRING_FIELD = 65_536;

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/** Value kinds of a field. */
const NUMBER_AS_SENT = 0;
const NUMBER_WRITTEN = 1;
const STRING = 2;
const TRUE = 3;
const FALSE = 4;
const TYPE_OF_KIND: readonly FieldType[] = ["float", "float", "string", "boolean", "boolean"];

// Most bytes are over 32: one comparison tells them apart.
const isWs = (c: number | undefined) =>
  c !== undefined && c <= 32 && (c === 32 || c === 10 || c === 13 || c === 9);
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;
const isLower = (c: number | undefined) => c !== undefined && c >= 97 && c <= 122;
const isNameByte = (c: number | undefined) => isLower(c) || isDigit(c) || c === 95;
/** Bytes that escapeKey escapes in a printable ASCII tag value: `,`, `=`, space. */
const needsEscape = (c: number) => c === 44 || c === 61 || c === 32;

function skipWs(body: Buffer, i: number): number {
  while (isWs(body[i])) i++;
  return i;
}

/**
 * The body being scanned, as a DataView: compared and copied four bytes at a time. Set by
 * `fastJsonBytes` for the length of one (synchronous) call.
 */
const NO_BODY: DataView = new DataView(new ArrayBuffer(0));
let bodyView = NO_BODY;

/** body[a, a + length) and body[b, b + length) hold the same bytes (both within the body). */
function sameBytes(body: Buffer, a: number, b: number, length: number): boolean {
  let k = 0;
  for (; k + 4 <= length; k += 4) if (bodyView.getInt32(a + k) !== bodyView.getInt32(b + k)) return false;
  for (; k < length; k++) if (body[a + k] !== body[b + k]) return false;
  return true;
}

/** `word` (ASCII) at `at` in the body. */
function bytesAre(body: Buffer, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (body[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** What one field or tag set looks like in the body: offsets of keys and values, in the order sent. */
class Members {
  count = 0;
  keyStart: number[] = [];
  keyEnd: number[] = [];
  valueStart: number[] = [];
  valueEnd: number[] = [];
  /** Tags: the value holds `,`, `=` or a space. Fields: the value's kind (NUMBER_AS_SENT, ...). */
  flag: number[] = [];
  /** Fields: the number as `encodeField` writes it, when not as sent. */
  text: (string | undefined)[] = [];

  /**
   * The k-th key, scanned at `i` (its opening quote): the index of its closing quote, or -1. `previous`
   * holds the keys of the point before: when this key is the same bytes as the k-th there, it is a name
   * already checked and the scan is a comparison; the first one that differs clears `point.same`.
   */
  key(body: Buffer, i: number, previous: Members | undefined, point: PointScan): number {
    const k = this.count;
    let end = -1;
    if (point.same && previous !== undefined && k < previous.count) {
      const start = previous.keyStart[k] as number;
      const length = (previous.keyEnd[k] as number) - start;
      if (body[i] === QUOTE && body[i + 1 + length] === QUOTE && sameBytes(body, i + 1, start, length))
        end = i + 1 + length;
    }
    if (end < 0) {
      point.same = false;
      end = scanName(body, i);
      if (end < 0) return -1;
    }
    this.keyStart[k] = i + 1;
    this.keyEnd[k] = end;
    return end;
  }

  /** Same keys, byte for byte, as `other` (read in the same body). */
  sameKeys(other: Members, body: Buffer): boolean {
    for (let k = 0; k < this.count; k++) {
      const start = this.keyStart[k] as number;
      const length = (this.keyEnd[k] as number) - start;
      const otherStart = other.keyStart[k] as number;
      if ((other.keyEnd[k] as number) - otherStart !== length) return false;
      if (!sameBytes(body, start, otherStart, length)) return false;
    }
    return true;
  }

  /** The keys' offsets (what a shape keeps to compare with). */
  copyKeys(): Members {
    const m = new Members();
    m.count = this.count;
    m.keyStart = this.keyStart.slice(0, this.count);
    m.keyEnd = this.keyEnd.slice(0, this.count);
    return m;
  }

  names(body: Buffer): string[] {
    const names: string[] = [];
    for (let k = 0; k < this.count; k++)
      names.push(body.toString("latin1", this.keyStart[k] as number, this.keyEnd[k] as number));
    return names;
  }
}

/** What the keys of a point decide, computed once per shape (measurement, tag keys, field keys). */
interface Shape {
  /** Field types of the point's measurement in this batch. */
  types: Map<string, FieldType>;
  fieldNames: string[];
  /** Tag and field indexes (as sent) in sorted key order. */
  tagOrder: number[];
  fieldOrder: number[];
  /**
   * The constant bytes of the line before each value: `pieces[s]` comes before the s-th tag value (in
   * sorted order), then before each field value (sorted), and the last one before the time. The
   * measurement, the keys, `=`, `,`, the spaces and the institution tag (when injected) are all in them.
   * As 32-bit words, with their lengths in bytes.
   */
  pieces: Int32Array[];
  lengths: number[];
  institution: number;
  device: number;
  /**
   * The type of each field (as sent) in the batch's set, recorded when the shape was made: a point of
   * this shape with another type sends a field with two types.
   */
  fieldTypes: FieldType[];
  /** The first point of this shape, whose keys (offsets in the body) the next points are compared with. */
  keys: PointScan;
}

/** One point as read from the body. */
class PointScan {
  measurementStart = 0;
  measurementEnd = 0;
  tags = new Members();
  fields = new Members();
  timeStart = 0;
  timeEnd = 0;
  /** The time as String() writes it, when not as sent. */
  timeText: string | undefined;
  shape: Shape | undefined;
  /** Same measurement and keys (in the same order) as the point before: the same Shape. */
  same = false;

  /** The measurement's and keys' offsets (what a shape keeps to compare with). */
  copy(): PointScan {
    const p = new PointScan();
    p.measurementStart = this.measurementStart;
    p.measurementEnd = this.measurementEnd;
    p.tags = this.tags.copyKeys();
    p.fields = this.fields.copyKeys();
    return p;
  }
}

/** Indexes 0..n-1 in the order of `names`; undefined when a name comes twice. */
function sortedOrder(names: readonly string[]): number[] | undefined {
  const order = names.map((_, k) => k);
  // Insertion sort for a few keys, often sorted already; a sort in n log n for many (up to maxFields,
  // each point of its own shape: quadratic there would be a way to burn CPU).
  if (order.length > 16)
    order.sort((a, b) => {
      const x = names[a] as string;
      const y = names[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  else
    for (let a = 1; a < order.length; a++) {
      const k = order[a] as number;
      const name = names[k] as string;
      let b = a - 1;
      for (; b >= 0 && (names[order[b] as number] as string) > name; b--) order[b + 1] = order[b] as number;
      order[b + 1] = k;
    }
  for (let a = 1; a < order.length; a++)
    if (names[order[a] as number] === names[order[a - 1] as number]) return undefined;
  return order;
}

/**
 * The rules on a point's keys (as fastJsonPoint and pointSchema): no key twice, no key `time` or
 * `constructor`, a device tag, no field named `institution`, `device` or as a tag; undefined when broken.
 */
function shapeOf(p: PointScan, body: Buffer, types: KnownFieldTypes, inject: string): Shape | undefined {
  const tagNames = p.tags.names(body);
  const fieldNames = p.fields.names(body);
  const tagOrder = sortedOrder(tagNames);
  const fieldOrder = sortedOrder(fieldNames);
  if (tagOrder === undefined || fieldOrder === undefined) return undefined;
  for (const name of tagNames) if (name === "time" || name === "constructor") return undefined;
  for (const name of fieldNames)
    if (
      name === "time" ||
      name === "constructor" ||
      name === "institution" ||
      name === "device" ||
      tagNames.includes(name)
    )
      return undefined;
  const device = tagNames.indexOf("device");
  if (device < 0) return undefined;
  const institution = tagNames.indexOf("institution");
  const measurement = body.toString("latin1", p.measurementStart, p.measurementEnd);
  let m = types.get(measurement);
  if (m === undefined) {
    m = new Map<string, FieldType>();
    types.set(measurement, m);
  }
  // The line as fastJsonWire writes it: tags sorted, the institution injected in its sorted place.
  const pieces: string[] = [];
  let piece = measurement;
  let injected = institution >= 0;
  for (const k of tagOrder) {
    const name = tagNames[k] as string;
    if (!injected && name > "institution") {
      piece += inject;
      injected = true;
    }
    pieces.push(`${piece},${name}=`);
    piece = "";
  }
  if (!injected) piece += inject;
  let sep = " ";
  for (const k of fieldOrder) {
    pieces.push(`${piece}${sep}${fieldNames[k]}=`);
    piece = "";
    sep = ",";
  }
  pieces.push(" ");
  // The field types of this point recorded in the batch's set, or a conflict with what is there.
  const fieldTypes: FieldType[] = [];
  for (let k = 0; k < fieldNames.length; k++) {
    const type = TYPE_OF_KIND[p.fields.flag[k] as number] as FieldType;
    const name = fieldNames[k] as string;
    const known = m.get(name);
    if (known === undefined) m.set(name, type);
    else if (known !== type) return undefined;
    fieldTypes.push(type);
  }
  return {
    types: m,
    fieldNames,
    tagOrder,
    fieldOrder,
    pieces: pieces.map(words),
    lengths: pieces.map((text) => Buffer.byteLength(text)),
    institution,
    device,
    fieldTypes,
    keys: p.copy(),
  };
}

/** The bytes of `text` as little-endian 32-bit words (the last one padded), for `writeLine`. */
function words(text: string): Int32Array {
  const bytes = Buffer.from(text, "utf8");
  const padded = Buffer.alloc(Math.ceil(bytes.length / 4) * 4);
  bytes.copy(padded);
  const out = new Int32Array(padded.length / 4);
  for (let w = 0; w < out.length; w++) out[w] = padded.readInt32LE(w * 4);
  return out;
}

/**
 * A snake_case name in quotes at `i` (the opening quote): the index of the closing quote, or -1. Anything
 * else (an escape, `__proto__`, a byte over 0x7f) gives up.
 */
function scanName(body: Buffer, i: number): number {
  if (body[i] !== QUOTE || !isLower(body[i + 1])) return -1;
  let j = i + 2;
  while (isNameByte(body[j])) j++;
  if (body[j] !== QUOTE || j - i - 1 > MAX_NAME) return -1;
  return j;
}

/** The number last scanned by scanNumber: copied as sent, or as `encodeField` writes it. */
let numberText: string | undefined;
let numberValue = 0;

/**
 * A JSON number at `i`; the index after it or -1. Copied as sent only when `String(Number(text))` is
 * that text: a canonical decimal (no exponent, no `-0`, no trailing zero after the point) with at most
 * 15 significant digits (a double holds those exactly: the shortest form that reads back is the same
 * digits) within 1e-6 <= |x| < 1e21, where JavaScript writes no exponent. Otherwise Number() and
 * encodeField write it, as for the parsed body (JSON.parse and Number() read the same double).
 */
function scanNumber(body: Buffer, i: number): number {
  const start = i;
  if (body[i] === MINUS) i++;
  const intStart = i;
  if (body[i] === ZERO) i++;
  else if (isDigit(body[i])) while (isDigit(body[i])) i++;
  else return -1;
  const intEnd = i;
  let fracStart = -1;
  if (body[i] === DOT) {
    fracStart = ++i;
    while (isDigit(body[i])) i++;
    if (i === fracStart) return -1;
  }
  const fracEnd = i;
  let plain = true;
  const e = body[i];
  if (e === 101 || e === 69) {
    plain = false;
    i++;
    if (body[i] === 43 || body[i] === MINUS) i++;
    if (!isDigit(body[i])) return -1;
    while (isDigit(body[i])) i++;
  }
  if (plain) plain = canonical(body, start, intStart, intEnd, fracStart, fracEnd);
  if (plain) {
    numberText = undefined;
  } else {
    const value = Number(body.toString("latin1", start, i));
    if (!Number.isFinite(value)) return -1;
    numberValue = value;
    numberText = encodeField(value);
  }
  return i;
}

/** See scanNumber: a decimal that String(Number(text)) writes as sent. */
function canonical(
  body: Buffer,
  start: number,
  intStart: number,
  intEnd: number,
  fracStart: number,
  fracEnd: number,
): boolean {
  const intLength = intEnd - intStart;
  if (fracStart < 0) {
    if (body[intStart] === ZERO) return start === intStart; // 0 as sent, -0 written 0
    if (intLength > 21) return false;
    let trailingZeros = 0;
    while (body[intEnd - 1 - trailingZeros] === ZERO) trailingZeros++;
    return intLength - trailingZeros <= 15;
  }
  if (body[fracEnd - 1] === ZERO) return false;
  const fracLength = fracEnd - fracStart;
  if (body[intStart] !== ZERO) return intLength + fracLength <= 15;
  let leadingZeros = 0;
  while (body[fracStart + leadingZeros] === ZERO) leadingZeros++;
  return leadingZeros <= 5 && fracLength - leadingZeros <= 15;
}

/** The tags object at `i`; the index after it, or -1. */
function scanTags(
  body: Buffer,
  i: number,
  tags: Members,
  maxTags: number,
  previous: Members | undefined,
  p: PointScan,
): number {
  tags.count = 0;
  i = skipWs(body, i + 1);
  if (body[i] === RBRACE) return -1; // no device tag
  for (;;) {
    if (tags.count === maxTags) return -1;
    const end = tags.key(body, i, previous, p);
    if (end < 0) return -1;
    i = skipWs(body, end + 1);
    if (body[i] !== COLON) return -1;
    i = skipWs(body, i + 1);
    if (body[i] !== QUOTE) return -1;
    const start = ++i;
    let escaped = 0;
    for (;;) {
      const c = body[i] as number;
      // Printable ASCII only: no control character, DEL, backslash or byte over 0x7f; the end of the body
      // reads undefined and gives up too.
      if (!(c >= 0x20 && c < 0x7f) || c === BACKSLASH) return -1;
      if (c === QUOTE) break;
      if (needsEscape(c)) escaped = 1;
      i++;
    }
    if (i === start || i - start > MAX_TAG_VALUE) return -1;
    const k = tags.count++;
    tags.valueStart[k] = start;
    tags.valueEnd[k] = i;
    tags.flag[k] = escaped;
    i = skipWs(body, i + 1);
    if (body[i] === COMMA) {
      i = skipWs(body, i + 1);
      continue;
    }
    if (body[i] === RBRACE) {
      if (previous !== undefined && previous.count !== tags.count) p.same = false;
      return i + 1;
    }
    return -1;
  }
}

/** The fields object at `i`; the index after it, or -1. */
function scanFields(
  body: Buffer,
  i: number,
  fields: Members,
  maxFields: number,
  previous: Members | undefined,
  p: PointScan,
): number {
  fields.count = 0;
  i = skipWs(body, i + 1);
  if (body[i] === RBRACE) return -1; // no field
  for (;;) {
    if (fields.count === maxFields) return -1;
    const end = fields.key(body, i, previous, p);
    if (end < 0) return -1;
    i = skipWs(body, end + 1);
    if (body[i] !== COLON) return -1;
    i = skipWs(body, i + 1);
    const k = fields.count;
    const c = body[i];
    if (c === QUOTE) {
      const start = ++i;
      for (;;) {
        const b = body[i] as number;
        if (!(b >= 0x20 && b < 0x80) || b === BACKSLASH) return -1;
        if (b === QUOTE) break;
        i++;
      }
      if (i - start > MAX_STRING_FIELD) return -1;
      // The string with its quotes: encodeField writes it so when it holds no `"` or `\`.
      fields.valueStart[k] = start - 1;
      fields.valueEnd[k] = ++i;
      fields.flag[k] = STRING;
    } else if (c === 116) {
      if (!bytesAre(body, i, "true")) return -1;
      fields.valueStart[k] = i;
      fields.valueEnd[k] = i += 4;
      fields.flag[k] = TRUE;
    } else if (c === 102) {
      if (!bytesAre(body, i, "false")) return -1;
      fields.valueStart[k] = i;
      fields.valueEnd[k] = i += 5;
      fields.flag[k] = FALSE;
    } else {
      const start = i;
      i = scanNumber(body, i);
      if (i < 0) return -1;
      fields.valueStart[k] = start;
      fields.valueEnd[k] = i;
      fields.flag[k] = numberText === undefined ? NUMBER_AS_SENT : NUMBER_WRITTEN;
      fields.text[k] = numberText;
    }
    fields.count++;
    i = skipWs(body, i);
    if (body[i] === COMMA) {
      i = skipWs(body, i + 1);
      continue;
    }
    if (body[i] === RBRACE) {
      if (previous !== undefined && previous.count !== fields.count) p.same = false;
      return i + 1;
    }
    return -1;
  }
}

const MEASUREMENT = 1;
const TAGS = 2;
const FIELDS = 4;
const TIME = 8;

/** One point object at `i` into `p`; the index after it, or -1. */
function scanPoint(
  body: Buffer,
  i: number,
  p: PointScan,
  limits: PointLimits,
  previous: PointScan | undefined,
): number {
  if (body[i] !== LBRACE) return -1;
  p.same = previous !== undefined;
  i = skipWs(body, i + 1);
  let seen = 0;
  for (;;) {
    if (body[i] !== QUOTE) return -1;
    let key: number;
    // Told apart by their second byte (and third for `tags` and `time`), then checked whole.
    const c = body[i + 1];
    if (c === 109 && bytesAre(body, i, '"measurement"')) {
      key = MEASUREMENT;
      i += 13;
    } else if (c === 116 && body[i + 2] === 97 && bytesAre(body, i, '"tags"')) {
      key = TAGS;
      i += 6;
    } else if (c === 102 && bytesAre(body, i, '"fields"')) {
      key = FIELDS;
      i += 8;
    } else if (c === 116 && bytesAre(body, i, '"time"')) {
      key = TIME;
      i += 6;
    } else return -1;
    if (seen & key) return -1;
    seen |= key;
    i = skipWs(body, i);
    if (body[i] !== COLON) return -1;
    i = skipWs(body, i + 1);
    if (key === MEASUREMENT) {
      const end = scanName(body, i);
      if (end < 0) return -1;
      p.measurementStart = i + 1;
      p.measurementEnd = end;
      if (previous !== undefined && p.same) {
        const length = end - i - 1;
        const start = previous.measurementStart;
        if (previous.measurementEnd - start !== length || !sameBytes(body, i + 1, start, length))
          p.same = false;
      }
      i = end + 1;
    } else if (key === TAGS) {
      if (body[i] !== LBRACE) return -1;
      i = scanTags(body, i, p.tags, limits.maxTags, previous?.tags, p);
    } else if (key === FIELDS) {
      if (body[i] !== LBRACE) return -1;
      i = scanFields(body, i, p.fields, limits.maxFields, previous?.fields, p);
    } else {
      const start = i;
      if (body[i] === MINUS) return -1; // before 2000 anyway
      i = scanNumber(body, i);
      if (i < 0) return -1;
      let time: number;
      if (numberText === undefined && body[start] !== ZERO) {
        // Digits as sent (a decimal fraction without trailing zeros is no integer).
        time = 0;
        for (let k = start; k < i; k++) {
          const c = body[k] as number;
          if (c === DOT) return -1;
          time = time * 10 + (c - ZERO);
        }
        p.timeText = undefined;
      } else {
        time = numberText === undefined ? 0 : numberValue;
        if (!Number.isInteger(time)) return -1;
        p.timeText = String(time);
      }
      if (time < MIN_TIME || time > MAX_TIME) return -1;
      p.timeStart = start;
      p.timeEnd = i;
    }
    if (i < 0) return -1;
    i = skipWs(body, i);
    if (body[i] === COMMA) {
      i = skipWs(body, i + 1);
      continue;
    }
    if (body[i] === RBRACE) break;
    return -1;
  }
  if (seen !== (MEASUREMENT | TAGS | FIELDS | TIME)) return -1;
  return i + 1;
}

/** Per point: the device id is an id, the institution tag (if sent) is the token's. */
function goodValues(p: PointScan, shape: Shape, body: Buffer, own: Buffer): boolean {
  const tags = p.tags;
  const start = tags.valueStart[shape.device] as number;
  const end = tags.valueEnd[shape.device] as number;
  if (end - start > MAX_ID) return false;
  const first = body[start];
  if (!(isLower(first) || isDigit(first))) return false;
  for (let k = start + 1; k < end; k++) {
    const c = body[k];
    if (!(isLower(c) || isDigit(c) || c === 95 || c === MINUS)) return false;
  }
  if (shape.institution >= 0) {
    const vs = tags.valueStart[shape.institution] as number;
    const ve = tags.valueEnd[shape.institution] as number;
    if (ve - vs !== own.length) return false;
    for (let k = 0; k < own.length; k++) if (body[vs + k] !== own[k]) return false;
  }
  return true;
}

/** The point's field types are those of its shape: else it sends a field with two types in the batch. */
function sameTypes(p: PointScan, shape: Shape): boolean {
  const kinds = p.fields.flag;
  const types = shape.fieldTypes;
  for (let k = 0; k < p.fields.count; k++) if (TYPE_OF_KIND[kinds[k] as number] !== types[k]) return false;
  return true;
}

/** Same measurement and keys (bytes, in the same order) as the point `keys`, read in the same body. */
function sameKeys(p: PointScan, keys: PointScan, body: Buffer): boolean {
  const length = p.measurementEnd - p.measurementStart;
  if (keys.measurementEnd - keys.measurementStart !== length) return false;
  if (p.tags.count !== keys.tags.count || p.fields.count !== keys.fields.count) return false;
  if (!sameBytes(body, p.measurementStart, keys.measurementStart, length)) return false;
  return p.tags.sameKeys(keys.tags, body) && p.fields.sameKeys(keys.fields, body);
}

/** Most shapes remembered in one batch (a gateway's batch holds a few, interleaved). */
const MAX_SHAPES = 16;

/**
 * The shape of a point: the one before's when the scan found the same keys, else one seen earlier in
 * the batch with the same keys, else a new one (undefined when its keys break a rule).
 */
function shapeFor(
  p: PointScan,
  previous: PointScan | undefined,
  shapes: Shape[],
  body: Buffer,
  types: KnownFieldTypes,
  inject: string,
): Shape | undefined {
  if (p.same && previous?.shape !== undefined) return previous.shape;
  for (const shape of shapes) if (sameKeys(p, shape.keys, body)) return shape;
  const shape = shapeOf(p, body, types, inject);
  if (shape !== undefined && shapes.length < MAX_SHAPES) shapes.push(shape);
  return shape;
}

/** Largest scratch buffer kept from one batch to the next (a larger batch's is let go after it). */
const MAX_KEPT_SCRATCH = 8 * 1024 * 1024;
let scratch = Buffer.allocUnsafe(64 * 1024);
let scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.length);

/**
 * The line protocol being written: into a scratch buffer kept from one batch to the next, then, once the
 * whole body is taken, copied over the body's own bytes (`finish`). A new buffer of a megabyte or two per
 * request is what the line-protocol path does not have: in the service it showed as more garbage
 * collection and as the first writes into each new page (a CPU profile under the bench, issue 11).
 */
class Out {
  buffer = scratch;
  view = scratchView;
  at = 0;
  /** Where each part (of at most MAX_LINES_PER_PART lines) ends; the newline after it is not its. */
  ends: number[] = [];

  /** Room for `bytes` more. */
  reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(larger, 0, 0, this.at);
    this.buffer = larger;
    this.view = new DataView(larger.buffer, larger.byteOffset, larger.length);
    if (larger.length <= MAX_KEPT_SCRATCH) {
      scratch = larger;
      scratchView = this.view;
    }
  }

  /** The parts, copied over `body` when they fit in it (as a rule: lines are shorter than JSON). */
  finish(body: Buffer, counts: readonly number[]): WirePart[] {
    const into = this.at <= body.length ? body : Buffer.allocUnsafe(this.at);
    this.buffer.copy(into, 0, 0, this.at);
    let start = 0;
    return this.ends.map((end, k) => {
      const chunk = into.subarray(start, end);
      start = end + 1;
      return { chunks: [chunk], count: counts[k] as number };
    });
  }
}

/**
 * The point as fastJsonWire writes its line, from the shape's constant pieces and the values' bytes,
 * copied four bytes at a time (15 % less CPU for the whole scan than byte by byte, measured on the
 * bench's batches; a call to `copy` per piece costs more than either). A copy may write up to 3 bytes
 * past its end, which the next one overwrites (`lineBound` leaves room for them), and read up to 3 bytes
 * past a value (within the body).
 */
/** body[start, end) copied to `at`, four bytes at a time but near the body's end; the index after it. */
function copyValue(view: DataView, at: number, from: DataView, start: number, end: number): number {
  if (end + 3 <= from.byteLength)
    for (let b = start; b < end; b += 4) view.setInt32(at + b - start, from.getInt32(b, true), true);
  else for (let b = start; b < end; b++) view.setUint8(at + b - start, from.getUint8(b));
  return at + end - start;
}

function writeLine(out: Out, p: PointScan, shape: Shape, body: Buffer, from: DataView): void {
  const view = out.view;
  let at = out.at;
  const pieces = shape.pieces;
  const lengths = shape.lengths;
  let s = 0;
  const tags = p.tags;
  for (const k of shape.tagOrder) {
    const piece = pieces[s] as Int32Array;
    for (let w = 0; w < piece.length; w++) view.setInt32(at + 4 * w, piece[w] as number, true);
    at += lengths[s++] as number;
    const start = tags.valueStart[k] as number;
    const end = tags.valueEnd[k] as number;
    if (tags.flag[k] === 1) {
      const text = escapeKeyCached(body.toString("latin1", start, end));
      for (let b = 0; b < text.length; b++) view.setUint8(at++, text.charCodeAt(b));
    } else {
      at = copyValue(view, at, from, start, end);
    }
  }
  const fields = p.fields;
  for (const k of shape.fieldOrder) {
    const piece = pieces[s] as Int32Array;
    for (let w = 0; w < piece.length; w++) view.setInt32(at + 4 * w, piece[w] as number, true);
    at += lengths[s++] as number;
    if (fields.flag[k] === NUMBER_WRITTEN) {
      const text = fields.text[k] as string;
      for (let b = 0; b < text.length; b++) view.setUint8(at++, text.charCodeAt(b));
    } else {
      const start = fields.valueStart[k] as number;
      const end = fields.valueEnd[k] as number;
      at = copyValue(view, at, from, start, end);
    }
  }
  view.setUint8(at++, 32);
  if (p.timeText === undefined) {
    at = copyValue(view, at, from, p.timeStart, p.timeEnd);
  } else for (let b = 0; b < p.timeText.length; b++) view.setUint8(at++, p.timeText.charCodeAt(b));
  out.at = at;
}

/** Most bytes `writeLine` may write for a point of `span` bytes in the body (a newline included). */
function lineBound(p: PointScan, span: number, inject: string): number {
  // Tag values at most double when escaped; a number written by encodeField takes at most 25 bytes.
  return 2 * span + 3 * inject.length + 32 * (p.fields.count + 1);
}

/**
 * A whole JSON body (its bytes, as received): the batch as line protocol for `institution`, or undefined
 * when the body is not plainly valid (then the route parses it and the parsed paths decide). A body it
 * takes is overwritten with the lines, which the batch's parts are slices of: the caller must not read it
 * as JSON any more. A body it gives up on is left untouched.
 */
export function fastJsonBytes(
  body: Buffer,
  maxPoints: number,
  limits: PointLimits,
  institution: string,
): WireBatch | undefined {
  bodyView = new DataView(body.buffer, body.byteOffset, body.length);
  try {
    return scanBody(body, maxPoints, limits, institution);
  } finally {
    // Not kept: the body is let go with its request.
    bodyView = NO_BODY;
  }
}

function scanBody(
  body: Buffer,
  maxPoints: number,
  limits: PointLimits,
  institution: string,
): WireBatch | undefined {
  let i = skipWs(body, 0);
  if (body[i] !== LBRACE) return undefined;
  i = skipWs(body, i + 1);
  if (!bytesAre(body, i, '"points"')) return undefined;
  i = skipWs(body, i + 8);
  if (body[i] !== COLON) return undefined;
  i = skipWs(body, i + 1);
  if (body[i] !== LBRACKET) return undefined;
  i = skipWs(body, i + 1);
  // An empty batch is the reference path's to refuse (JISR_ERR_EMPTY_BATCH).
  if (body[i] === RBRACKET) return undefined;
  const inject = `,institution=${institution}`;
  const own = Buffer.from(institution, "utf8");
  const types: KnownFieldTypes = new Map();
  const counts: number[] = [];
  const out = new Out();
  const from = bodyView;
  // Two scans in turn: the point being read, and the one before it (to compare shapes with).
  const scans = [new PointScan(), new PointScan()] as const;
  let point = scans[0];
  let previous: PointScan | undefined;
  const shapes: Shape[] = [];
  let total = 0;
  let inPart = 0;
  for (;;) {
    const start = i;
    i = scanPoint(body, i, point, limits, previous);
    if (i < 0 || ++total > maxPoints) return undefined;
    const shape = shapeFor(point, previous, shapes, body, types, inject);
    point.shape = shape;
    if (shape === undefined || !goodValues(point, shape, body, own)) return undefined;
    if (!sameTypes(point, shape)) return undefined;
    out.reserve(lineBound(point, i - start, inject));
    if (total > 1) out.buffer[out.at++] = 10;
    writeLine(out, point, shape, body, from);
    if (++inPart === MAX_LINES_PER_PART) {
      out.ends.push(out.at);
      counts.push(inPart);
      inPart = 0;
    }
    previous = point;
    point = point === scans[0] ? scans[1] : scans[0];
    i = skipWs(body, i);
    if (body[i] === COMMA) {
      i = skipWs(body, i + 1);
      continue;
    }
    if (body[i] === RBRACKET) break;
    return undefined;
  }
  i = skipWs(body, i + 1);
  if (body[i] !== RBRACE) return undefined;
  if (skipWs(body, i + 1) !== body.length) return undefined;
  if (inPart > 0) {
    out.ends.push(out.at);
    counts.push(inPart);
  }
  return checkedWireBatch(out.finish(body, counts), types);
}
