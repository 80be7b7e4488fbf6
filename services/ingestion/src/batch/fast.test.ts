/**
 * The fast path against the reference path (zod's pointSchema via decodeJsonBatch/decodeLineBatch, then
 * tenancy), on thousands of seeded random batches, valid and invalid: whenever the fast path accepts a
 * batch, the reference path accepts it too and the points sent to the store encode to the same line
 * protocol. Whatever the fast path gives up on, the reference path decides (routes/write), so the answers
 * are the reference path's in every case. The fast path must also take most valid batches, or it would
 * be no path at all.
 */

import { isAscii } from "node:buffer";
import type { Point } from "@jisr/core";
import { encodePoints, mulberry32, type Precision } from "@jisr/core";
import { JisrError } from "@jisr/core/errors";
import type { EncodedBatch } from "@jisr/core/store";
import { checkFieldTypes } from "@jisr/core/store";
import { describe, expect, it } from "vitest";
import { claimForInstitution } from "../plugins/app/tenancy.js";
import { fastJsonBatch, fastJsonWire, fastLineBatch } from "./fast.js";
import { fastLineBytes } from "./fast-bytes.js";
import { decodeJsonBatch } from "./json.js";
import { decodeLineBatch } from "./line-protocol.js";
import type { PointLimits } from "./point.js";
import type { WireBatch } from "./wire.js";

const OWN = "ehpad-ben-guerir";
const LIMITS: PointLimits = { maxFields: 6, maxTags: 4 };
const MAX_POINTS = 20;
const RECEIVED_AT = Date.UTC(2026, 10, 29, 10);

const rng = mulberry32;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** Reference decision: the points as claimed for OWN, or the refusal's code. */
function referenceLines(body: string, precision: Precision): Point[] | string {
  try {
    const b = decodeLineBatch(body, precision, MAX_POINTS, RECEIVED_AT, LIMITS);
    if (b.total === 0) return "EMPTY";
    if (b.bad > 0) return "INVALID";
    return claimForInstitution(OWN, b.points);
  } catch (err) {
    if (err instanceof JisrError) return err.code;
    throw err;
  }
}

function referenceJson(body: unknown): Point[] | string {
  try {
    const b = decodeJsonBatch(body, MAX_POINTS, LIMITS);
    if (b.total === 0) return "EMPTY";
    if (b.bad > 0) return "INVALID";
    return claimForInstitution(OWN, b.points);
  } catch (err) {
    if (err instanceof JisrError) return err.code;
    throw err;
  }
}

// Pieces of line protocol, plain and hostile.
const MEASUREMENTS = ["pv_inverter", "grid_meter", "m", "Bad", "9x", "a".repeat(65), "x\\,y", "é"];
const TAG_KEYS = ["site", "phase", "time", "Site", "a_b", "institution", "device"];
const TAG_VALUES = [
  "roof",
  "a\\,b",
  "a\\ b",
  "a\\=b",
  "a=b",
  "x".repeat(256),
  "x".repeat(257),
  "a\u0085b",
  "a\u009bb",
  "a\u0001b",
  "a\ud800b",
  "😀",
  "a\\\\b",
  "a\\nb",
  "مدرسة",
  OWN,
  "orphelinat-sidi-bennour",
];
const FIELD_KEYS = ["power_w", "energy_wh", "state", "v", "time", "institution", "device", "site", "Bad"];
const FIELD_VALUES = [
  "1",
  "-2.5",
  "1e3",
  ".5",
  "+1",
  "1.",
  "1e999",
  "NaN",
  "12i",
  "-12i",
  "12u",
  "-12u",
  "99999999999999999999i",
  "123456789012345i",
  "1234567890123456i",
  "t",
  "TRUE",
  "False",
  "yes",
  '"text"',
  '"a \\"q\\" b"',
  '"back\\\\slash"',
  '"other\\escape"',
  '"line\nbreak"',
  '"unterminated',
  '"x"y',
  "",
  "-0",
  "-0.00",
  "007.50",
  "1E3",
  "constructor",
  "__proto__",
  "toString",
];
/** Plain values by type: in a plain batch a field keeps one type, as a real device's does. */
const PLAIN_BY_TYPE = [
  ["1", "-2.5", "1e3", ".5", "+1", "1.", "12i", "-0", "007.50"],
  ["t", "TRUE", "False"],
  ['"ok"', '"a \\"q\\" b"', '"back\\\\slash"'],
];
const DEVICES = ["inv-1", "meter_2", "Inv", "-x", "a".repeat(63), "a".repeat(64)];
const TIMES: Record<Precision, string[]> = {
  ms: [String(RECEIVED_AT), "946684799999", "4102444800001", "0", "-5", "17e11", ""],
  s: [String(RECEIVED_AT / 1000), "946684800", "99999999999"],
  us: [`${RECEIVED_AT}123`, `${RECEIVED_AT}`],
  ns: [`${RECEIVED_AT}123456`, `${RECEIVED_AT}`, "00000001796504000000000"],
};

function randomLine(r: Rand, precision: Precision, hostile: boolean): string {
  const h = () => hostile && r() < 0.15;
  let line = h() ? pick(r, MEASUREMENTS) : pick(r, MEASUREMENTS.slice(0, 3));
  const tags: string[] = [];
  if (!(h() && r() < 0.3)) tags.push(`device=${h() ? pick(r, DEVICES) : pick(r, DEVICES.slice(0, 2))}`);
  const nTags = Math.floor(r() * (hostile ? 5 : 3));
  for (let t = 0; t < nTags; t++) {
    const key = h() ? pick(r, TAG_KEYS) : pick(r, ["site", "phase", "a_b"]);
    const value = h() ? pick(r, TAG_VALUES) : pick(r, TAG_VALUES.slice(0, 6));
    tags.push(`${key}=${value}`);
  }
  if (r() < 0.5) tags.reverse();
  if (tags.length > 0) line += `,${tags.join(",")}`;
  const fields: string[] = [];
  const nFields = 1 + Math.floor(r() * (hostile ? 7 : 5));
  for (let f = 0; f < nFields; f++) {
    const key = h() ? pick(r, FIELD_KEYS) : `f${f}`;
    const value = h() ? pick(r, FIELD_VALUES) : pick(r, PLAIN_BY_TYPE[f % 3] as string[]);
    fields.push(`${key}=${value}`);
  }
  line += ` ${fields.join(",")}`;
  const time = h() ? pick(r, TIMES[precision]) : (TIMES[precision][0] as string);
  if (time !== "" && !(h() && r() < 0.2)) line += ` ${time}`;
  if (h() && r() < 0.2) line += pick(r, [" ", "\r", "  ", "\t"]);
  return line;
}

function randomBody(r: Rand, precision: Precision, hostile: boolean): string {
  const n = 1 + Math.floor(r() * (hostile ? 24 : 10));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    if (hostile && r() < 0.05) lines.push(pick(r, ["", "# comment", "   "]));
    lines.push(randomLine(r, precision, hostile));
  }
  return lines.join(hostile && r() < 0.1 ? "\r\n" : "\n");
}

const JSON_VALUES: unknown[] = [
  1,
  -2.5,
  0,
  -0,
  1e308,
  "text",
  "x".repeat(65_537),
  true,
  false,
  null,
  [],
  {},
  "a\ud800",
];

function randomJsonPoint(r: Rand, hostile: boolean): unknown {
  const h = () => hostile && r() < 0.12;
  const tags: Record<string, unknown> = {};
  if (!(h() && r() < 0.3)) tags.device = h() ? pick(r, DEVICES) : "inv-1";
  const nTags = Math.floor(r() * (hostile ? 5 : 3));
  for (let t = 0; t < nTags; t++) {
    const key = h() ? pick(r, [...TAG_KEYS, "__proto__", "constructor"]) : pick(r, ["site", "phase"]);
    tags[key] = h() ? pick(r, [...TAG_VALUES.map((v) => v.replace(/\\/g, "")), 5, "", "a\\b"]) : "roof";
  }
  const fields: Record<string, unknown> = {};
  const nFields = (h() ? 0 : 1) + Math.floor(r() * (hostile ? 7 : 5));
  for (let f = 0; f < nFields; f++) {
    const key = h() ? pick(r, [...FIELD_KEYS, "__proto__"]) : `f${f}`;
    fields[key] = h()
      ? pick(r, JSON_VALUES)
      : pick(r, [[1, 2.5, -0], ["ok"], [true, false]][f % 3] as unknown[]);
  }
  const point: Record<string, unknown> = {
    measurement: h() ? pick(r, MEASUREMENTS) : "pv_inverter",
    tags,
    fields,
    time: h()
      ? pick(r, [RECEIVED_AT + 0.5, "2026-11-29T10:00:00Z", "2026-11-29T10:00:00", 946684799999, null, 1.8e9])
      : RECEIVED_AT,
  };
  if (h()) delete point[pick(r, ["tags", "fields", "time", "measurement"])];
  if (h()) point.extra = 1;
  // Through JSON, as the server receives it (a __proto__ key becomes an own key, -0 stays a number).
  return JSON.parse(JSON.stringify(point));
}

/**
 * Each token of a line the fast path wrote, in a form InfluxDB 1.x reads as core's parser does: tag values
 * without a bare `=` (1.x refuses it), numbers as plain decimals or as JavaScript writes them (no `i`/`u`
 * integers, no `+`, no `-0`), a timestamp of digits.
 */
function expectInfluxForms(line: string): void {
  let i = 0;
  const until = (stops: string) => {
    const start = i;
    while (i < line.length && !stops.includes(line[i] as string)) i += line[i] === "\\" ? 2 : 1;
    return line.slice(start, i);
  };
  until(", ");
  while (line[i] === ",") {
    i++;
    const pair = until(", ");
    expect(pair.replace(/\\./g, "").split("=").length, `tag ${pair} in ${line}`).toBe(2);
  }
  expect(line[i], line).toBe(" ");
  i++;
  for (;;) {
    until("=");
    i++;
    if (line[i] === '"') {
      for (i++; line[i] !== '"'; i += line[i] === "\\" ? 2 : 1);
      i++;
    } else {
      const value = until(", ");
      const plain = /^-?\d+(\.\d+)?$/.test(value) && !/^-0*(\.0*)?$/.test(value);
      const bool = ["t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"].includes(value);
      expect(plain || bool || String(Number(value)) === value, `value ${value} in ${line}`).toBe(true);
    }
    if (line[i] !== ",") break;
    i++;
  }
  expect(line.slice(i), line).toMatch(/^ \d+$/);
}

const wireText = (wire: WireBatch) =>
  wire.parts.map((p) => Buffer.concat(p.chunks as Buffer[]).toString("utf8")).join("\n");

/**
 * The byte path (fast-bytes.ts) against the text fast path on the same body: on ASCII the same decision
 * and the same bytes and field types; on anything else it gives up (the text paths decide).
 */
function expectSameBytes(body: string, precision: Precision, fast: EncodedBatch | undefined): void {
  const wire = fastLineBytes(Buffer.from(body), precision, MAX_POINTS, RECEIVED_AT, LIMITS, OWN);
  if (!isAscii(Buffer.from(body))) {
    expect(wire, body).toBeUndefined();
    return;
  }
  if (fast === undefined) {
    expect(wire, body).toBeUndefined();
    return;
  }
  expect(wire, body).toBeDefined();
  if (wire === undefined) return;
  expect(wireText(wire), body).toBe(fast.lines.join("\n"));
  // Written into a pooled buffer that holds the body (as the route passes it): the same bytes, moved in
  // place when nothing shrinks, and a room too small or with another buffer's bytes is not written into.
  const bytes = Buffer.from(body);
  for (const spare of [0, 8, bytes.length + 1024]) {
    const room = Buffer.alloc(bytes.length + spare, 0x7e);
    bytes.copy(room);
    const inRoom = fastLineBytes(
      room.subarray(0, bytes.length),
      precision,
      MAX_POINTS,
      RECEIVED_AT,
      LIMITS,
      OWN,
      room,
    );
    expect(inRoom && wireText(inRoom), `${body} (room + ${spare})`).toBe(fast.lines.join("\n"));
  }
  expect(wire.count).toBe(fast.lines.length);
  const sorted = (types: Map<string, Map<string, string>>) =>
    [...types].map(([m, f]) => [m, [...f].sort()]).sort();
  expect(sorted(wire.fieldTypes), body).toEqual(sorted(fast.fieldTypes));
}

/** The fast path's batch against the reference points: same points, same field types, InfluxDB's forms. */
function expectSameBatch(fast: EncodedBatch, reference: Point[], what: string): void {
  expect(encodePoints(fast.points(), "ms"), what).toBe(encodePoints(reference, "ms"));
  const sorted = (types: Map<string, Map<string, string>>) =>
    [...types].map(([m, f]) => [m, [...f].sort()]).sort();
  expect(sorted(fast.fieldTypes), what).toEqual(sorted(checkFieldTypes(reference, new Map())));
  for (const line of fast.lines) expectInfluxForms(line);
}

describe("fast path ≡ reference path (zod)", () => {
  it.each(["ns", "ms", "s", "us"] as Precision[])(
    "line protocol, precision %s: 1 500 random batches",
    (precision) => {
      const r = rng(11 + precision.length * 7 + precision.charCodeAt(0));
      let validTaken = 0;
      let valid = 0;
      for (let c = 0; c < 1_500; c++) {
        const body = randomBody(r, precision, c % 3 !== 0);
        const reference = referenceLines(body, precision);
        const fast = fastLineBatch(body, precision, MAX_POINTS, RECEIVED_AT, LIMITS, OWN);
        expectSameBytes(body, precision, fast);
        if (typeof reference !== "string") valid++;
        if (fast === undefined) continue;
        if (typeof reference === "string")
          throw new Error(`fast path took a batch refused with ${reference}:\n${body}`);
        expectSameBatch(fast, reference, body);
        validTaken++;
      }
      expect(valid).toBeGreaterThan(250);
      expect(validTaken / valid).toBeGreaterThan(0.6);
    },
    120_000,
  );

  // Thousands of batches through both paths each: timeouts generous for a machine shared with other work.
  it("JSON: 3 000 random batches", () => {
    const r = rng(2026);
    let validTaken = 0;
    let valid = 0;
    for (let c = 0; c < 3_000; c++) {
      const hostile = c % 3 !== 0;
      const n = 1 + Math.floor(r() * (hostile ? 24 : 10));
      const body = { points: Array.from({ length: n }, () => randomJsonPoint(r, hostile)) };
      // Each path gets its own copy: the fast path sets the institution tag in place.
      const text = JSON.stringify(body);
      const reference = referenceJson(JSON.parse(text));
      const fast = fastJsonBatch(JSON.parse(text), MAX_POINTS, LIMITS, OWN);
      // The bytes the route sends the store are the same lines.
      const wire = fastJsonWire(JSON.parse(text), MAX_POINTS, LIMITS, OWN);
      expect(wire && wireText(wire), text).toBe(fast?.lines.join("\n"));
      if (typeof reference !== "string") valid++;
      if (fast === undefined) continue;
      if (typeof reference === "string")
        throw new Error(`fast path took a batch refused with ${reference}:\n${text}`);
      expectSameBatch(fast, reference, text);
      validTaken++;
    }
    expect(valid).toBeGreaterThan(500);
    expect(validTaken / valid).toBeGreaterThan(0.6);
  }, 120_000);

  it("gives a batch that sends one field with two types to the reference path (the store refuses it)", () => {
    const body = `m,device=d v=1 ${RECEIVED_AT}\nm,device=e v="on" ${RECEIVED_AT}`;
    expect(fastLineBatch(body, "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN)).toBeUndefined();
    expect(referenceLines(body, "ms")).toHaveLength(2);
    const json = (v: unknown) => ({
      measurement: "m",
      tags: { device: "d" },
      fields: { v },
      time: RECEIVED_AT,
    });
    expect(fastJsonBatch({ points: [json(1), json(true)] }, MAX_POINTS, LIMITS, OWN)).toBeUndefined();
    // The same field in two measurements is two fields.
    const two = `m,device=d v=1 ${RECEIVED_AT}\nn,device=e v="on" ${RECEIVED_AT}`;
    expect(fastLineBatch(two, "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN)?.lines).toEqual([
      `m,device=d,institution=${OWN} v=1 ${RECEIVED_AT}`,
      `n,device=e,institution=${OWN} v="on" ${RECEIVED_AT}`,
    ]);
  });

  it("copies each line as sent, rewriting only what must change", () => {
    const body = [
      `m,device=d,institution=${OWN} v=1.50,w=-0.0,s="a \\"q\\"",b=T ${RECEIVED_AT}`,
      "m,site=a\\ b,device=d v=12i,w=1e3,x=+2",
      "m,device=d,site=a=b v=.5",
    ].join("\n");
    expect(fastLineBatch(body, "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN)?.lines).toEqual([
      `m,device=d,institution=${OWN} v=1.50,w=0,s="a \\"q\\"",b=T ${RECEIVED_AT}`,
      `m,site=a\\ b,device=d,institution=${OWN} v=12,w=1000,x=2 ${RECEIVED_AT}`,
      `m,device=d,site=a\\=b,institution=${OWN} v=0.5 ${RECEIVED_AT}`,
    ]);
    const ns = fastLineBatch(`m,device=d v=1 ${RECEIVED_AT}123456`, "ns", MAX_POINTS, 0, LIMITS, OWN);
    expect(ns?.lines).toEqual([`m,device=d,institution=${OWN} v=1 ${RECEIVED_AT}`]);
  });

  it("judges a line whose keys begin like the line before's on its own keys", () => {
    // The byte path takes a key that is the previous line's key in its place without checking it again:
    // a longer or shorter key, a key moved between tags and fields, a repeated one, a new type, a line cut
    // short must each still be judged as the reference path judges them.
    const t = ` ${RECEIVED_AT}`;
    // "taken": by the byte path; "refused": by the reference path; "left": the byte path gives up (the store
    // refuses a field with two types); "either": the byte path agrees with the text path, whatever both say.
    const pairs: Array<[string, string, "taken" | "refused" | "left" | "either"]> = [
      [`m,device=d v=1${t}`, `m,device=d v=1,vx=2${t}`, "taken"],
      [`m,device=d vx=1${t}`, `m,device=d v=1${t}`, "taken"],
      [`m,device=d v=1${t}`, `m,device=d vx=1${t}`, "taken"],
      [`mm,device=d v=1${t}`, `m,device=d v=1${t}`, "taken"],
      [`m,device=d v=1${t}`, `mm,device=d v=1${t}`, "taken"],
      [`m,device=d,site=a v=1${t}`, `m,device=d site=2,v=1${t}`, "either"],
      [`m,device=d site=2,v=1${t}`, `m,device=d,site=a v=1${t}`, "either"],
      [`m,device=d v=1,w=2${t}`, `m,device=d v=1,v=2${t}`, "refused"],
      [`m,device=d v=1${t}`, `m,device=d v="x"${t}`, "left"],
      [`m,device=d v=1${t}`, `m,device=d time=1${t}`, "refused"],
      [`m,device=d v=1${t}`, `m,device=d,device=e v=1${t}`, "refused"],
      [`m,device=d v=1${t}`, `m,device=d v=1,device=2${t}`, "refused"],
      [`m,device=d v=1${t}`, `m,device=d,institution=other v=1${t}`, "refused"],
      [`m,device=d v=1${t}`, "m,device=d v", "refused"],
      [`m,device=d v=1${t}`, "m,device", "refused"],
      [`m,device=d v=1${t}`, `m,Device=d v=1${t}`, "refused"],
    ];
    for (const [first, second, expected] of pairs) {
      const body = `${first}\n${first}\n${second}`;
      const reference = referenceLines(body, "ms");
      const text = fastLineBatch(body, "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN);
      const bytes = fastLineBytes(Buffer.from(body), "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN);
      if (expected === "taken") expect(bytes, body).toBeDefined();
      if (expected === "refused") expect(typeof reference, body).toBe("string");
      if (expected === "left" || typeof reference === "string") expect(bytes, body).toBeUndefined();
      expectSameBytes(body, "ms", text);
      if (text !== undefined && typeof reference !== "string") expectSameBatch(text, reference, body);
    }
  });

  it("judges keys that differ from the line before's in any one byte, institution values and negative zeros", () => {
    // The byte path compares a key with the previous line's four bytes at a time, takes the token's
    // institution without checking its bytes one by one, and looks for -0 only in negative numbers: each
    // must still judge and write every line as the reference path does.
    const t = ` ${RECEIVED_AT}`;
    const bodies: string[] = [];
    for (const key of "v ab abc abcd abcde abcdefg abcdefgh abcdefghi cabinet_temp_c".split(" ")) {
      for (let at = 0; at < key.length; at++) {
        const other = `${key.slice(0, at)}${key[at] === "z" ? "y" : "z"}${key.slice(at + 1)}`;
        bodies.push(`m,device=d ${key}=1${t}\nm,device=d ${other}=2${t}`);
        bodies.push(`m,${key}=a,device=d v=1${t}\nm,${other}=a,device=d v=2${t}`);
        bodies.push(`${key},device=d v=1${t}\n${other},device=d v=2${t}`);
      }
    }
    for (const value of [
      OWN,
      `${OWN}x`,
      OWN.slice(0, -1),
      `x${OWN}`,
      OWN.replace("-", "\\-"),
      `${OWN}=`,
      OWN.toUpperCase(),
      "",
    ]) {
      bodies.push(`m,device=d,institution=${value} v=1${t}`);
      bodies.push(`m,institution=${value},device=d v=1${t}`);
      bodies.push(`m,device=d,institution=${value}`);
      bodies.push(`m,device=d,institution=${value} `);
    }
    for (const value of ["-0", "-0.0", "-00.000", "-0.5", "-10", "-0.01", "-", "-.5", "0", "-0i", "-1e0"]) {
      bodies.push(`m,device=d v=${value}${t}`);
      bodies.push(`m,device=d v=${value},w=1${t}`);
    }
    for (const body of bodies) {
      const text = fastLineBatch(body, "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN);
      const reference = referenceLines(body, "ms");
      if (typeof reference === "string") expect(text, body).toBeUndefined();
      expectSameBytes(body, "ms", text);
      if (text !== undefined && typeof reference !== "string") expectSameBatch(text, reference, body);
    }
    // The lines that should be taken are: the check above cannot pass by refusing everything.
    const taken = bodies.filter((b) => fastLineBytes(Buffer.from(b), "ms", MAX_POINTS, 0, LIMITS, OWN));
    expect(taken.length).toBeGreaterThan(bodies.length / 2);
  });

  it("writes lines that grow and lines that shrink into the request's buffer without mixing them up", () => {
    // Shrinking lines (ns timestamps written in ms, `12i` as `12`, the institution sent) among growing ones
    // (the institution injected): in place, a range moved down could land on one not yet moved.
    const lines = Array.from({ length: 16 }, (_, k) =>
      k % 5 === 4
        ? `m,device=d${k} v=${k}i ${RECEIVED_AT + k}000000`
        : `m,device=d${k},institution=${OWN} v=${k}i,w=${k}i ${RECEIVED_AT + k}123456`,
    );
    for (const body of [lines.join("\n"), lines.slice(0, 4).join("\n"), lines.slice(4, 6).join("\n")]) {
      const text = fastLineBatch(body, "ns", MAX_POINTS, 0, LIMITS, OWN)?.lines.join("\n");
      expect(text).toBeDefined();
      const bytes = Buffer.from(body);
      const room = Buffer.alloc(bytes.length * 2);
      bytes.copy(room);
      const wire = fastLineBytes(room.subarray(0, bytes.length), "ns", MAX_POINTS, 0, LIMITS, OWN, room);
      expect(wire && wireText(wire), body).toBe(text);
    }
  });

  it("gives an empty body (blank lines only, an empty points array) to the reference path", () => {
    for (const body of ["", "\n", "\n\n"]) {
      expect(fastLineBatch(body, "ms", MAX_POINTS, RECEIVED_AT, LIMITS, OWN)).toBeUndefined();
      expect(referenceLines(body, "ms")).toBe("EMPTY");
    }
    expect(fastJsonBatch({ points: [] }, MAX_POINTS, LIMITS, OWN)).toBeUndefined();
  });

  it("leaves a batch it gives up on exactly as sent, for the reference path", () => {
    const body = {
      points: [
        {
          measurement: "m",
          tags: { device: "d", a: "1", b: "2", c: "3" },
          fields: { v: 1 },
          time: RECEIVED_AT,
        },
        { measurement: "m", tags: { device: "d" }, fields: { v: 1 }, time: "2026-11-29T10:00:00Z" },
      ],
    };
    const copy = structuredClone(body);
    expect(fastJsonBatch(body, MAX_POINTS, LIMITS, OWN)).toBeUndefined();
    expect(body).toEqual(copy);
    // With the institution tag added, the first point would hold 5 tags, more than the limit of 4.
    expect(referenceJson(body)).not.toBe("INVALID");
  });
});
