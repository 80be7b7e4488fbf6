/**
 * InfluxDB line protocol, both ways. Encoding is exact for every value our schemas accept, on InfluxDB
 * 1.x, 2.x and 3.x alike; parsing accepts what Telegraf and the influx CLI send.
 *
 * Why tag values may not hold backslashes or control characters (see `tagValue` in point.ts):
 * 1.x treats a backslash before `,`, ` ` or `=` as an escape but stores `\\` as two characters, while 2.x
 * stores one, and a line break cannot be escaped in a tag at all. Refusing them keeps writes identical
 * on every server and makes it impossible for a tag value to end a line and start a second point.
 */
import { escapeKey, escapeMeasurement, escapeStringField } from "./line-protocol-escape.js";
import type { FieldValue, Point } from "./point.js";

export { escapeKey, escapeMeasurement, escapeStringField };

export type Precision = "ns" | "us" | "ms" | "s";

/**
 * Names and tag values repeat in every batch (a few hundred devices, a few dozen fields), so their
 * escaped forms are memoised; bounded so a stream of unique values cannot grow it without limit.
 */
const escapedKeys = new Map<string, string>();
const MAX_MEMOISED = 50_000;

/** A tag key or value as line protocol writes it (memoised: see above). */
export function escapeKeyCached(s: string): string {
  let e = escapedKeys.get(s);
  if (e === undefined) {
    e = escapeKey(s);
    if (escapedKeys.size < MAX_MEMOISED) escapedKeys.set(s, e);
  }
  return e;
}

/** A field value as line protocol writes it: numbers always as floats. */
export function encodeField(v: FieldValue): string {
  if (typeof v === "string") return `"${escapeStringField(v)}"`;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (!Number.isFinite(v)) throw new RangeError(`field value ${v} cannot be written to InfluxDB`);
  // Always floats: a bare integer literal is a float in line protocol, so a field never changes type.
  return String(v);
}

const PRECISION_FROM_MS: Record<Precision, (ms: number) => string> = {
  ms: (ms) => String(Math.trunc(ms)),
  s: (ms) => String(Math.trunc(ms / 1000)),
  us: (ms) => `${Math.trunc(ms)}000`,
  ns: (ms) => `${Math.trunc(ms)}000000`,
};

/** One point as one line, tags sorted (InfluxDB's preferred order), time in the given precision. */
export function encodePoint(p: Point, precision: Precision = "ms"): string {
  let line = escapeMeasurement(p.measurement);
  for (const k of Object.keys(p.tags).sort()) {
    const v = p.tags[k];
    if (v === undefined || v === "") continue;
    line += `,${escapeKeyCached(k)}=${escapeKeyCached(v)}`;
  }
  const fields = Object.keys(p.fields)
    .sort()
    .map((k) => `${escapeKeyCached(k)}=${encodeField(p.fields[k] as FieldValue)}`);
  if (fields.length === 0) throw new RangeError(`point "${p.measurement}" has no field`);
  return `${line} ${fields.join(",")} ${PRECISION_FROM_MS[precision](p.time)}`;
}

export function encodePoints(points: readonly Point[], precision: Precision = "ms"): string {
  return points.map((p) => encodePoint(p, precision)).join("\n");
}

/** A parsed line before validation: time may be absent (the server's receive time applies). */
export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  time?: number;
}

export type ParseResult = { ok: true; point: ParsedLine } | { ok: false; error: string };

/** Parses a whole body. Blank lines and `#` comments are skipped; `line` numbers are 1-based. */
export function parseLines(body: string, precision: Precision = "ns"): Array<ParseResult & { line: number }> {
  const out: Array<ParseResult & { line: number }> = [];
  splitLines(body).forEach(({ text, line }) => {
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    out.push({ ...parseLine(trimmed, precision), line });
  });
  return out;
}

/** Splits on newlines that are not inside a quoted string field. */
function splitLines(body: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let quoted = false;
  let inFields = false;
  let spaces = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      if (body[i + 1] === "\n") line++;
      i++;
      continue;
    }
    if (c === '"' && inFields) quoted = !quoted;
    else if (c === " " && !quoted) {
      spaces++;
      inFields = spaces === 1;
    } else if (c === "\n") {
      line++;
      if (!quoted) {
        lines.push({ text: body.slice(start, i), line: startLine });
        start = i + 1;
        startLine = line;
        spaces = 0;
        inFields = false;
      }
    }
  }
  lines.push({ text: body.slice(start), line: startLine });
  return lines;
}

/** Reads up to an unescaped stop character; returns the unescaped text and the stop index. */
function readUntil(s: string, from: number, stops: string, escapable: string): [string, number] {
  let out = "";
  let i = from;
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "\\" && i + 1 < s.length && escapable.includes(s[i + 1] as string)) {
      out += s[i + 1];
      i++;
      continue;
    }
    if (stops.includes(c)) break;
    out += c;
  }
  return [out, i];
}

export function parseLine(s: string, precision: Precision = "ns"): ParseResult {
  const [measurement, mEnd] = readUntil(s, 0, ", ", ", \\");
  if (measurement === "") return { ok: false, error: "missing measurement name" };
  // A Map, then Object.fromEntries: a key such as `__proto__` becomes an own key that validation sees
  // (and refuses), instead of an assignment to the object's prototype that silently drops it.
  const tags = new Map<string, string>();
  let i = mEnd;
  while (s[i] === ",") {
    const [key, kEnd] = readUntil(s, i + 1, "=, ", ",= \\");
    if (s[kEnd] !== "=") return { ok: false, error: `tag "${short(key)}" has no value (expected key=value)` };
    const [value, vEnd] = readUntil(s, kEnd + 1, ", ", ",= \\");
    if (key === "" || value === "") return { ok: false, error: "empty tag key or value" };
    // Refused rather than last-wins: the sender meant one of the two values, and we cannot know which.
    if (tags.has(key)) return { ok: false, error: `tag "${short(key)}" appears twice in the line` };
    tags.set(key, value);
    i = vEnd;
  }
  if (s[i] !== " ") return { ok: false, error: "expected a space before the fields" };
  const fields = parseFields(s, i + 1);
  if (!fields.ok) return fields;
  const rest = s.slice(fields.end).trim();
  const point: ParsedLine = { measurement, tags: Object.fromEntries(tags), fields: fields.fields };
  if (rest !== "") {
    const time = parseTimestamp(rest, precision);
    if (time === undefined) return { ok: false, error: `invalid timestamp "${short(rest)}"` };
    point.time = time;
  }
  return { ok: true, point };
}

type FieldsResult =
  | { ok: true; fields: Record<string, FieldValue>; end: number }
  | { ok: false; error: string };

function parseFields(s: string, from: number): FieldsResult {
  const fields = new Map<string, FieldValue>();
  let i = from;
  for (;;) {
    // An unescaped comma also ends a key: `a,b=1` is a field "a" without a value, as InfluxDB reads it.
    const [key, kEnd] = readUntil(s, i, ",= ", ",= \\");
    if (s[kEnd] !== "=" || key === "") return { ok: false, error: `field "${short(key)}" has no value` };
    if (fields.has(key)) return { ok: false, error: `field "${short(key)}" appears twice in the line` };
    i = kEnd + 1;
    if (s[i] === '"') {
      const [value, end] = readQuoted(s, i + 1);
      if (end < 0) return { ok: false, error: `unterminated string in field "${short(key)}"` };
      fields.set(key, value);
      i = end + 1;
    } else {
      const [raw, end] = readUntil(s, i, ", ", "");
      const range = integerRangeError(raw);
      if (range) return { ok: false, error: `field "${short(key)}": ${range}` };
      const value = parseScalar(raw);
      if (value === undefined)
        return { ok: false, error: `invalid value "${short(raw)}" for field "${short(key)}"` };
      fields.set(key, value);
      i = end;
    }
    if (s[i] === ",") {
      i++;
      continue;
    }
    return { ok: true, fields: Object.fromEntries(fields), end: i };
  }
}

/** Keeps error messages short whatever the sender put in a key or value (they are echoed back). */
function short(s: string, max = 64): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

function readQuoted(s: string, from: number): [string, number] {
  let out = "";
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && (s[i + 1] === '"' || s[i + 1] === "\\")) {
      out += s[i + 1];
      i++;
    } else if (c === '"') return [out, i];
    else out += c;
  }
  return [out, -1];
}

const TRUE = new Set(["t", "T", "true", "True", "TRUE"]);
const FALSE = new Set(["f", "F", "false", "False", "FALSE"]);
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// `i` is a signed integer, `u` an unsigned one (no minus sign allowed).
const INT = /^([+-]?\d+i|\+?\d+u)$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * InfluxDB refuses an integer literal outside its type's range; read as a float it would be stored as
 * some other number (99999999999999999999i as 1e20), so it is refused here too.
 */
function integerRangeError(raw: string): string | undefined {
  if (!INT.test(raw)) return undefined;
  const n = BigInt(raw.slice(0, -1));
  if (raw.endsWith("i") && (n < INT64_MIN || n > INT64_MAX))
    return `integer ${short(raw)} is outside the signed 64-bit range`;
  if (raw.endsWith("u") && n > UINT64_MAX)
    return `integer ${short(raw)} is outside the unsigned 64-bit range`;
  return undefined;
}

function parseScalar(raw: string): FieldValue | undefined {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  // Integers become floats on purpose: see encodeField.
  if (INT.test(raw)) return Number(raw.slice(0, -1));
  if (FLOAT.test(raw)) return Number(raw);
  return undefined;
}

const TO_MS: Record<Precision, bigint> = { ns: 1_000_000n, us: 1_000n, ms: 1n, s: 1n };

function parseTimestamp(raw: string, precision: Precision): number | undefined {
  if (!/^-?\d+$/.test(raw)) return undefined;
  const n = BigInt(raw);
  return Number(precision === "s" ? n * 1000n : n / TO_MS[precision]);
}
