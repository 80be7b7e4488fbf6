/**
 * The byte scan of a JSON body (fast-json-bytes.ts) against the path it stands in front of: Fastify's
 * JSON parser (the app's own, plugins/app/body.ts) then `fastJsonWire`, and behind them the reference path
 * (json.ts with core's pointSchema, then tenancy). On thousands of seeded random bodies, written as text
 * so that whitespace, key order, number forms, escapes, duplicate keys and poisoned keys all occur:
 * whenever the scan says yes, the parsed path says yes with byte-identical lines and the same field types,
 * and the reference path accepts the same points. And the scan must say yes on ordinary batches, or it
 * would be no path at all. Then the give-up rules one by one, numbers, tenancy, and the route's answers.
 */
import { gzipSync } from "node:zlib";
import { encodePoints, mulberry32, type Point } from "@jisr/core";
import { JisrError } from "@jisr/core/errors";
import Fastify, { type FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonBodyParser } from "../plugins/app/body.js";
import { claimForInstitution } from "../plugins/app/tenancy.js";
import { inverterReading } from "../testing/inverter-reading.js";
import { buildTestBed, INSTITUTION, OTHER_INSTITUTION, type TestBed } from "../testing/service.js";
import { fastJsonWire } from "./fast.js";
import { fastJsonBytes } from "./fast-json-bytes.js";
import { decodeJsonBatch } from "./json.js";
import type { PointLimits } from "./point.js";
import { MAX_LINES_PER_PART, type WireBatch } from "./wire.js";

const OWN = INSTITUTION;
const LIMITS: PointLimits = { maxFields: 6, maxTags: 4 };
const MAX_POINTS = 20;
const T = Date.UTC(2026, 10, 29, 10);

const parseJson = jsonBodyParser(Fastify());

/** What Fastify's parser makes of the bytes: the value, or "INVALID_JSON" (an empty body, bad JSON, poisoning). */
async function parsed(body: Buffer): Promise<unknown> {
  try {
    return await parseJson({} as FastifyRequest, body);
  } catch {
    return "INVALID_JSON";
  }
}

/** Reference decision on a parsed body: the points as claimed for OWN, or the refusal's code. */
function reference(body: unknown, maxPoints = MAX_POINTS, limits = LIMITS): Point[] | string {
  try {
    const b = decodeJsonBatch(body, maxPoints, limits);
    if (b.total === 0) return "EMPTY";
    if (b.bad > 0) return "INVALID";
    return claimForInstitution(OWN, b.points);
  } catch (err) {
    if (err instanceof JisrError) return err.code;
    throw err;
  }
}

const wireText = (wire: WireBatch) =>
  wire.parts.map((p) => Buffer.concat(p.chunks as Buffer[]).toString("utf8")).join("\n");
const sortedTypes = (types: Map<string, Map<string, string>>) =>
  [...types].map(([m, f]) => [m, [...f].sort()]).sort();

interface Decision {
  bytes: WireBatch | undefined;
  today: WireBatch | undefined;
  reference: Point[] | string;
}

/** Both paths on one body; throws when the scan said yes where today's path does not say the same. */
async function decide(text: string | Buffer, maxPoints = MAX_POINTS, limits = LIMITS): Promise<Decision> {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8");
  // The scan writes the lines over a body it takes: its own copy; one it gives up on is left as sent.
  const scanned = Buffer.from(body);
  const bytes = fastJsonBytes(scanned, maxPoints, limits, OWN);
  if (bytes === undefined) expect(scanned.equals(body)).toBe(true);
  const value = await parsed(body);
  const today = value === "INVALID_JSON" ? undefined : fastJsonWire(value, maxPoints, limits, OWN);
  const ref = value === "INVALID_JSON" ? "INVALID_JSON" : reference(value, maxPoints, limits);
  if (bytes !== undefined) {
    const what = body.toString("utf8").slice(0, 2_000);
    if (today === undefined) throw new Error(`the scan took a body today's path does not:\n${what}`);
    expect(wireText(bytes), what).toBe(wireText(today));
    expect(bytes.parts.map((p) => p.count)).toEqual(today.parts.map((p) => p.count));
    expect(bytes.count).toBe(today.count);
    expect(sortedTypes(bytes.fieldTypes), what).toEqual(sortedTypes(today.fieldTypes));
    if (typeof ref === "string") throw new Error(`the scan took a body refused with ${ref}:\n${what}`);
    expect(wireText(bytes), what).toBe(encodePoints(ref, "ms"));
  }
  return { bytes, today, reference: ref };
}

const rng = mulberry32;
type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const q = (s: string) => `"${s}"`;
const WS = ["", "", "", " ", "\n", "\t", "\r\n", "  ", "\n    "];

/** JSON members `key: value` as text, with random whitespace around every token. */
function object(r: Rand, members: readonly (readonly [string, string])[], hostile: boolean): string {
  const w = () => (hostile || r() < 0.3 ? pick(r, WS) : "");
  return `{${w()}${members.map(([k, v]) => `${k}${w()}:${w()}${v}`).join(`${w()},${w()}`)}${w()}}`;
}

const TAG_VALUES = ["roof", "a b", "a,b", "a=b", "x".repeat(256), OWN, "inv-1", "Roof 2", "~!@#$%^&*()"];
const HOSTILE_TAG_VALUES = [
  q("x".repeat(257)),
  q(""),
  q("a\\\\b"),
  q("a\\u0001b"),
  q("a\\u0062"),
  q("a\u007fb"),
  q("مدرسة"),
  q("😀"),
  q("\\ud800"),
  q(OTHER_INSTITUTION),
  "5",
  "null",
  "true",
  "[]",
  "{}",
];
const DEVICES = ["inv-1", "meter_2", "a".repeat(63), "0x"];
const HOSTILE_DEVICES = ["Inv", "-x", "a".repeat(64), "inv 1", "inv.1", "é"];
const HOSTILE_KEYS = [
  "time",
  "Site",
  "__proto__",
  "constructor",
  "institution",
  "device",
  "site",
  "9x",
  "a\\u0062",
  "é",
  "x".repeat(65),
  "",
];
/** Numbers as sent: copied as sent where String(Number(x)) is the same text, written otherwise. */
const NUMBERS = [
  "6.1",
  "6.10",
  "1e3",
  "1E+3",
  "-0",
  "-0.0",
  "0",
  "0.5",
  "0.000001",
  "0.0000001",
  "1e21",
  "1e-7",
  "100000000000000000000",
  "1000000000000000000000",
  "12345678901234567890",
  "123456789012345",
  "1234567890123456",
  "0.1234567890123456",
  "-1.5",
  "4150.5",
  "231.4",
  "1.0",
  "5e-324",
  "1.7976931348623157e308",
];
const BAD_NUMBERS = [
  "1e999",
  "-1e999",
  "01",
  "1.",
  ".5",
  "+1",
  "-",
  "1e",
  "0x10",
  "NaN",
  "Infinity",
  "1.5.3",
];

function randomNumber(r: Rand): string {
  if (r() < 0.6) return pick(r, NUMBERS);
  // Random decimals: up to 22 digits, a point anywhere, sometimes a leading 0., zeros, an exponent.
  const digits = Array.from({ length: 1 + Math.floor(r() * 22) }, () =>
    r() < 0.3 ? "0" : String(Math.floor(r() * 10)),
  ).join("");
  let n = digits.replace(/^0+(?=\d)/, "");
  if (r() < 0.5) {
    const at = Math.floor(r() * n.length);
    n = at === 0 ? `0.${"0".repeat(Math.floor(r() * 8))}${n}` : `${n.slice(0, at)}.${n.slice(at)}`;
  }
  if (r() < 0.1) n += `e${pick(r, ["", "+", "-"])}${Math.floor(r() * 30)}`;
  return r() < 0.3 ? `-${n}` : n;
}

function fieldValue(r: Rand, type: number, hostile: boolean): string {
  if (hostile && r() < 0.1)
    return pick(r, [
      ...BAD_NUMBERS,
      "null",
      "[1]",
      '{"a":1}',
      q("x".repeat(65_537)),
      q('a \\"q\\" b'),
      q("tab\\tin"),
      q("é"),
      "tru",
      "True",
    ]);
  if (type === 0) return randomNumber(r);
  if (type === 1) return pick(r, ["true", "false"]);
  return q(pick(r, ["ok", "MPPT", "a b,c=d", "", "x".repeat(100), "caf\u007f"]));
}

/** One point as text: a plain one most of the time, with hostile parts when asked. */
function randomPoint(r: Rand, hostile: boolean, rate = 0.1): string {
  const h = () => hostile && r() < rate;
  const tags: [string, string][] = [];
  if (!(h() && r() < 0.3)) tags.push([q("device"), q(h() ? pick(r, HOSTILE_DEVICES) : pick(r, DEVICES))]);
  const nTags = Math.floor(r() * 3) + (h() ? 2 : 0);
  for (let t = 0; t < nTags; t++) {
    const key = h() ? q(pick(r, HOSTILE_KEYS)) : q(pick(r, ["site", "phase", "mppt", "institution"]));
    const value =
      key === q("institution") && !h() ? q(OWN) : h() ? pick(r, HOSTILE_TAG_VALUES) : q(pick(r, TAG_VALUES));
    if (tags.some(([k]) => k === key) && !h()) continue;
    tags.push([key, value]);
  }
  if (r() < 0.5) tags.reverse();
  const fields: [string, string][] = [];
  const nFields = (h() ? 0 : 1) + Math.floor(r() * 5) + (h() ? 3 : 0);
  for (let f = 0; f < nFields; f++) {
    const key = h() ? q(pick(r, HOSTILE_KEYS)) : q(pick(r, ["power_w", "energy_wh", "state", "on", `f${f}`]));
    if (fields.some(([k]) => k === key) && !h()) continue;
    // One type per field name in a plain batch, as a real device sends.
    const type = key === q("state") ? 2 : key === q("on") ? 1 : f % 4 === 3 ? 2 : 0;
    fields.push([key, fieldValue(r, type, hostile)]);
  }
  if (r() < 0.3) fields.sort();
  const members: [string, string][] = [
    [
      q("measurement"),
      h()
        ? pick(r, [q("Bad"), q("9x"), q("a".repeat(65)), q("pv\\u005finverter"), "1", "null"])
        : q(pick(r, ["pv_inverter", "grid_meter"])),
    ],
    [q("tags"), object(r, tags, hostile)],
    [q("fields"), object(r, fields, hostile)],
    [
      q("time"),
      h()
        ? pick(r, [
            `${T}.5`,
            `${T}.0`,
            "1.7950356e12",
            q("2026-11-29T10:00:00Z"),
            "946684799999",
            "4102444800001",
            "4102444800000",
            "946684800000",
            "null",
            "-5",
            "0",
            "17e11",
            `${T}e0`,
            `0${T}`,
          ])
        : String(T + Math.floor(r() * 1000)),
    ],
  ];
  if (h()) members.splice(Math.floor(r() * 4), 1);
  if (h())
    members.push(
      pick(r, [
        [q("extra"), "1"],
        [q("time"), String(T)],
        [q("tags"), "{}"],
        [q("__proto__"), "{}"],
      ]),
    );
  // Keys in any order.
  for (let k = members.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [members[k], members[j]] = [members[j] as [string, string], members[k] as [string, string]];
  }
  return object(r, members, hostile);
}

function randomBody(r: Rand, hostile: boolean): string {
  const n = 1 + Math.floor(r() * (hostile ? 24 : 12));
  // Some hostile bodies barely so: valid ones among them, with whitespace and key orders of all kinds.
  const rate = pick(r, [0.005, 0.02, 0.1]);
  const points = Array.from({ length: n }, () => randomPoint(r, hostile, rate));
  if (hostile && r() < 0.05) points.push(pick(r, ["null", "[]", "1", q("x"), `[${points[0]}]`]));
  const w = () => (hostile || r() < 0.3 ? pick(r, WS) : "");
  let body = `${w()}{${w()}"points"${w()}:${w()}[${w()}${points.join(`${w()},${w()}`)}${w()}]${w()}}${w()}`;
  if (hostile && r() < 0.05)
    body = pick(r, [
      body.slice(0, Math.floor(r() * body.length)),
      `${body.slice(0, -1)},"extra":1}`,
      `${body.slice(0, -1)},"points":[]}`,
      `${body}x`,
      `\ufeff${body}`,
      `[${body}]`,
      "",
      "   ",
      "null",
    ]);
  return body;
}

describe("byte scan ≡ Fastify's parser + fastJsonWire (+ the reference path)", () => {
  it("3 000 random bodies as text: the scan never takes what today's path would not, and takes the plain ones", async () => {
    const r = rng(1111);
    let plain = 0;
    let plainTaken = 0;
    let hostileTaken = 0;
    let hostileTodayTaken = 0;
    for (let c = 0; c < 3_000; c++) {
      const hostile = c % 3 !== 0;
      const body = randomBody(r, hostile);
      const d = await decide(body);
      if (hostile) {
        if (d.bytes) hostileTaken++;
        if (d.today) hostileTodayTaken++;
        continue;
      }
      plain++;
      if (d.bytes) plainTaken++;
      // A plain body that today's path takes and the scan does not: only for a number, a key order...
      // that the scan does not know; the generators make none of those.
      if (d.today && !d.bytes)
        throw new Error(`the scan gave up on a plain body today's path takes:\n${body}`);
    }
    expect(plain).toBe(1_000);
    // Some plain bodies are refused for good reasons (a field count over the limit, one field sent
    // with two types across points, a duplicated number form...): most are taken.
    expect(plainTaken / plain).toBeGreaterThan(0.6);
    // Hostile bodies with no hostile part chosen are valid: the scan takes most of them (it gives up on
    // duplicate keys, escapes, non-ASCII, constructor keys), never more than today's path.
    expect(hostileTaken).toBeGreaterThan(50);
    expect(hostileTaken).toBeLessThanOrEqual(hostileTodayTaken);
  }, 120_000);

  it("numbers: 20 000 random decimals written as encodeField(Number(text)) writes them", async () => {
    const r = rng(7);
    let taken = 0;
    for (let c = 0; c < 1_000; c++) {
      const fields = Array.from({ length: 5 }, (_, f) => `"f${f}":${randomNumber(r)}`);
      const point = (k: number) =>
        `{"measurement":"m","tags":{"device":"d"},"fields":{${fields.slice(k, k + 5).join(",")}},"time":${T}}`;
      // Four points of 5 fields each, sharing the keys f0..f4 (same shape, new values).
      const more = Array.from({ length: 15 }, (_, f) => `"f${f % 5}":${randomNumber(r)}`);
      fields.push(...more);
      const body = `{"points":[${[0, 5, 10, 15].map(point).join(",")}]}`;
      const d = await decide(body, MAX_POINTS, { maxFields: 10, maxTags: 4 });
      if (d.bytes) taken++;
      else expect(d.today, body).toBeUndefined();
    }
    expect(taken).toBeGreaterThan(900);
  }, 120_000);
});

/** The bench's batch shape (bench/ingestion.ts makeBatches). */
function benchBatch(size: number, start = 0): unknown {
  const points = [];
  for (let i = 0, n = start; i < size; i++, n++) {
    points.push(
      inverterReading(OWN, `inv-${n % 120}`, n, Date.UTC(2026, 9, 1) + Math.floor(n / 120) * 10_000),
    );
  }
  return { points };
}

/** What a gateway sends: several devices and measurements interleaved, tags as the gateway builds them. */
function gatewayBatch(): unknown {
  const points = [];
  for (let i = 0; i < 300; i++) {
    const time = T + Math.floor(i / 3) * 10_000;
    points.push(
      {
        measurement: "pv_inverter",
        tags: { institution: OWN, device: "inv-1" },
        fields: { w: 1200 + i, wh: 1e6 + i * 3.5, dcv: 612.3, st: "MPPT", on: true },
        time,
      },
      {
        measurement: "pv_string",
        tags: { mppt: String((i % 2) + 1), institution: OWN, device: "inv-1" },
        fields: { dca: 6.78, dcv: 400.25 },
        time,
      },
      {
        measurement: "solar_thermal",
        tags: { site: "roof north", device: "sth_2" },
        fields: { tank_c: 58.5 - i / 100, pump: false, flow_lpm: 0 },
        time,
      },
    );
  }
  return { points };
}

describe("the scan takes ordinary batches", () => {
  const big = { maxFields: 500, maxTags: 32 };

  it("the bench's 5 000-point batch, compact and pretty-printed", async () => {
    const body = benchBatch(5_000);
    for (const text of [
      JSON.stringify(body),
      JSON.stringify(body, null, 2),
      JSON.stringify(body, null, "\t"),
    ]) {
      const d = await decide(text, 50_000, big);
      expect(d.bytes?.count).toBe(5_000);
    }
    const crlf = JSON.stringify(body, null, 1).replace(/\n/g, "\r\n");
    expect((await decide(crlf, 50_000, big)).bytes?.count).toBe(5_000);
  });

  it("12 000 points in parts of 5 000 lines, as fastJsonWire cuts them", async () => {
    const d = await decide(JSON.stringify(benchBatch(12_000, 77)), 50_000, big);
    expect(d.bytes?.parts.map((p) => p.count)).toEqual([MAX_LINES_PER_PART, MAX_LINES_PER_PART, 2_000]);
    const parts = (w: WireBatch) => w.parts.map((p) => Buffer.concat(p.chunks as Buffer[]).toString());
    expect(d.bytes && parts(d.bytes)).toEqual(d.today && parts(d.today));
  });

  it("a gateway's batch: measurements and devices interleaved, an institution tag or none", async () => {
    const d = await decide(JSON.stringify(gatewayBatch()), 50_000, big);
    expect(d.bytes?.count).toBe(900);
    expect(
      wireText(d.bytes as WireBatch)
        .split("\n")
        .slice(0, 3),
    ).toEqual([
      `pv_inverter,device=inv-1,institution=${OWN} dcv=612.3,on=true,st="MPPT",w=1200,wh=1000000 ${T}`,
      `pv_string,device=inv-1,institution=${OWN},mppt=1 dca=6.78,dcv=400.25 ${T}`,
      `solar_thermal,device=sth_2,institution=${OWN},site=roof\\ north flow_lpm=0,pump=false,tank_c=58.5 ${T}`,
    ]);
  });

  it("many keys, in any order (sorted otherwise past 16), and the same with one given twice", async () => {
    const names = Array.from({ length: 40 }, (_, k) => `f${(k * 7) % 40}`);
    const fields = names.map((n, k) => `"${n}":${k}`);
    const big = { maxFields: 500, maxTags: 32 };
    const d = await decide(bodyOf(pointText({ fields: `{${fields.join(",")}}` })), MAX_POINTS, big);
    expect(d.bytes?.count).toBe(1);
    const twice = `{${[...fields, '"f3":1'].join(",")}}`;
    const again = await decide(bodyOf(pointText({ fields: twice })), MAX_POINTS, big);
    expect(again.bytes).toBeUndefined();
    expect(again.today).toBeDefined();
  });

  it("keys in any order, any JSON whitespace", async () => {
    const body = `\r\n\t{ "points" :\n[ {"time": ${T},"fields":{ "z":1 , "a" : "x y" },
      "tags" : {"site":"b","device":"d","alpha":"c"}, "measurement":"m" } ,{"measurement":"m","tags":{"device":"e","site":"b","alpha":"c"},"fields":{"z":2,"a":"q"},"time":${T + 1}} ] }\n `;
    const d = await decide(body);
    expect(wireText(d.bytes as WireBatch)).toBe(
      [
        `m,alpha=c,device=d,institution=${OWN},site=b a="x y",z=1 ${T}`,
        `m,alpha=c,device=e,institution=${OWN},site=b a="q",z=2 ${T + 1}`,
      ].join("\n"),
    );
  });

  it("tag values with , = and space escaped as escapeKey writes them; strings and booleans as sent", async () => {
    const body = JSON.stringify({
      points: [
        {
          measurement: "m",
          tags: { device: "d", site: "a,b=c d" },
          fields: { s: "a b,c=d'", t: true, f: false, d: "caf\u007f" },
          time: T,
        },
      ],
    });
    const d = await decide(body);
    expect(wireText(d.bytes as WireBatch)).toBe(
      `m,device=d,institution=${OWN},site=a\\,b\\=c\\ d d="caf\u007f",f=false,s="a b,c=d'",t=true ${T}`,
    );
  });
});

const pointText = (over: Record<string, string> = {}) => {
  const members = { measurement: '"m"', tags: '{"device":"d"}', fields: '{"v":1}', time: String(T), ...over };
  return `{${Object.entries(members)
    .map(([k, v]) => `"${k}":${v}`)
    .join(",")}}`;
};
const bodyOf = (...points: string[]) => `{"points":[${points.join(",")}]}`;

describe("the scan gives up, and today's path decides", () => {
  /** Gives up; today's path answers `expected` (a code, or "TAKEN" when it takes the batch). */
  async function givesUp(text: string | Buffer, expected: string) {
    const d = await decide(text);
    expect(d.bytes, String(text)).toBeUndefined();
    const answer = typeof d.reference === "string" ? d.reference : "TAKEN";
    expect(answer, String(text)).toBe(expected);
  }

  it("on any byte over 0x7f, even where the point is valid", async () => {
    await givesUp(bodyOf(pointText({ tags: '{"device":"d","site":"école"}' })), "TAKEN");
    await givesUp(bodyOf(pointText({ fields: '{"s":"مدرسة"}' })), "TAKEN");
    await givesUp(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bodyOf(pointText()))]),
      "TAKEN",
    );
  });

  it("on any backslash escape, even one that reads as a plain character", async () => {
    await givesUp(bodyOf(pointText({ fields: '{"s":"a\\"b"}' })), "TAKEN");
    await givesUp(bodyOf(pointText({ fields: '{"s":"a\\\\b"}' })), "TAKEN");
    await givesUp(bodyOf(pointText({ fields: '{"\\u0076":1}' })), "TAKEN");
    await givesUp(bodyOf(pointText({ measurement: '"\\u006d"' })), "TAKEN");
    await givesUp(bodyOf(pointText({ tags: '{"device":"\\u0064"}' })), "TAKEN");
    await givesUp(`{"\\u0070oints":[${pointText()}]}`, "TAKEN");
  });

  it("on a key given twice (JSON.parse keeps the last one)", async () => {
    await givesUp(bodyOf(pointText({ fields: '{"v":1,"v":2}' })), "TAKEN");
    await givesUp(bodyOf(pointText({ tags: '{"device":"d","device":"e"}' })), "TAKEN");
    await givesUp(bodyOf(`${pointText().slice(0, -1)},"time":${T + 1}}`), "TAKEN");
    await givesUp(bodyOf(`{"measurement":"x",${pointText().slice(1)}`), "TAKEN");
    await givesUp(bodyOf(`{"fields":{"w":2},${pointText().slice(1)}`), "TAKEN");
    await givesUp(`{"points":[],"points":[${pointText()}]}`, "TAKEN");
  });

  it("on __proto__ and constructor as keys anywhere (Fastify's poisoning checks answer them)", async () => {
    await givesUp(bodyOf(pointText({ tags: '{"device":"d","__proto__":{"x":1}}' })), "INVALID_JSON");
    await givesUp(`{"__proto__":{"admin":true},"points":[${pointText()}]}`, "INVALID_JSON");
    await givesUp(bodyOf(`{"__proto__":{},${pointText().slice(1)}`), "INVALID_JSON");
    await givesUp(
      bodyOf(pointText({ fields: '{"v":1,"constructor":{"prototype":{"x":1}}}' })),
      "INVALID_JSON",
    );
    // A constructor key Fastify lets through: a valid tag for the reference path, still given up on.
    await givesUp(bodyOf(pointText({ tags: '{"device":"d","constructor":"x"}' })), "TAKEN");
    await givesUp(bodyOf(pointText({ fields: '{"constructor":1}' })), "TAKEN");
  });

  it("on null, nested arrays, objects as values, an empty or junk body", async () => {
    await givesUp(bodyOf(pointText({ fields: '{"v":null}' })), "INVALID");
    await givesUp(bodyOf(pointText({ fields: '{"v":[1]}' })), "INVALID");
    await givesUp(bodyOf(pointText({ fields: '{"v":{"a":1}}' })), "INVALID");
    await givesUp(bodyOf(pointText({ time: "null" })), "INVALID");
    await givesUp(`{"points":[[${pointText()}]]}`, "INVALID");
    await givesUp(`{"points":[null]}`, "INVALID");
    await givesUp(`{"points":[${pointText()}],"extra":1}`, "JISR_ERR_INVALID_REQUEST");
    await givesUp(`[${pointText()}]`, "JISR_ERR_INVALID_REQUEST");
    await givesUp('{"points":[]}', "EMPTY");
    await givesUp("", "INVALID_JSON");
    await givesUp("  \n", "INVALID_JSON");
    await givesUp(`{"points":[${pointText()}`, "INVALID_JSON");
    await givesUp(`${bodyOf(pointText())}x`, "INVALID_JSON");
    await givesUp(bodyOf(pointText({ fields: '{"v":01}' })), "INVALID_JSON");
    await givesUp(bodyOf(pointText({ fields: '{"v":NaN}' })), "INVALID_JSON");
    await givesUp(bodyOf(pointText({ fields: '{"v":1e999}' })), "INVALID");
    await givesUp(bodyOf(pointText({ fields: '{"v":"a\tb"}' })), "INVALID_JSON");
  });

  it("on unknown keys and missing ones", async () => {
    await givesUp(bodyOf(`{"extra":1,${pointText().slice(1)}`), "INVALID");
    await givesUp(bodyOf(pointText({ tags: "{}" })), "INVALID");
    await givesUp(bodyOf('{"measurement":"m","fields":{"v":1},"time":1}'), "INVALID");
    await givesUp(bodyOf(`{"measurement":"m","tags":{"device":"d"},"fields":{"v":1}}`), "INVALID");
  });

  it("on every point fastJsonPoint refuses", async () => {
    const refused: Record<string, string>[] = [
      { measurement: '"Bad"' },
      { measurement: `"${"a".repeat(65)}"` },
      { measurement: '"9x"' },
      { measurement: "1" },
      { tags: '{"device":"Inv"}' },
      { tags: `{"device":"${"a".repeat(64)}"}` },
      { tags: '{"device":"-x"}' },
      { tags: '{"device":5}' },
      { tags: '{"device":"d","site":""}' },
      { tags: `{"device":"d","site":"${"x".repeat(257)}"}` },
      { tags: '{"device":"d","site":"a\u007fb"}' },
      { tags: '{"device":"d","time":"x"}' },
      { tags: '{"device":"d","Site":"x"}' },
      { tags: '{"device":"d","a":"1","b":"2","c":"3","e":"4"}' },
      { fields: "{}" },
      { fields: '{"time":1}' },
      { fields: '{"institution":1}' },
      { fields: '{"device":1}' },
      { tags: '{"device":"d","site":"x"}', fields: '{"site":1}' },
      { fields: '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}' },
      { fields: `{"s":"${"x".repeat(65_537)}"}` },
      { time: `${T}.5` },
      { time: "946684799999" },
      { time: "4102444800001" },
      { time: "-5" },
      { time: '"2026-11-29T10:00:00Z"' },
    ];
    for (const over of refused) {
      const d = await decide(bodyOf(pointText(), pointText(over)));
      expect(d.bytes, JSON.stringify(over)).toBeUndefined();
      expect(d.today, JSON.stringify(over)).toBeUndefined();
    }
    // Limits: at most maxTags tags and maxFields fields are fine; over maxPoints is given up.
    expect(
      (await decide(bodyOf(pointText({ tags: '{"device":"d","a":"1","b":"2","c":"3"}' })))).bytes,
    ).toBeDefined();
    const many = Array.from({ length: MAX_POINTS + 1 }, () => pointText());
    await givesUp(bodyOf(...many), "JISR_ERR_TOO_MANY_POINTS");
    expect((await decide(bodyOf(...many.slice(1)))).bytes?.count).toBe(MAX_POINTS);
    // One field sent with two types in a batch: the store would refuse it.
    await givesUp(bodyOf(pointText(), pointText({ fields: '{"v":"on"}' })), "TAKEN");
    // ... also when another shape comes in between (the first shape is remembered, not made again).
    const other = pointText({ measurement: '"n"', tags: '{"device":"e","site":"s"}' });
    await givesUp(bodyOf(pointText(), other, pointText({ fields: '{"v":true}' })), "TAKEN");
    // The same field in two measurements is two fields.
    expect(
      (await decide(bodyOf(pointText(), pointText({ measurement: '"n"', fields: '{"v":"on"}' })))).bytes
        ?.count,
    ).toBe(2);
  });

  it("times written as JavaScript writes them; the edges of the range", async () => {
    for (const [sent, written] of [
      [`${T}.0`, String(T)],
      ["1.7950356e12", "1795035600000"],
      ["946684800000", "946684800000"],
      ["4102444800000", "4102444800000"],
    ]) {
      const d = await decide(bodyOf(pointText({ time: sent as string })));
      expect(wireText(d.bytes as WireBatch)).toBe(`m,device=d,institution=${OWN} v=1 ${written}`);
    }
  });
});

describe("where the lines go", () => {
  it("over the body taken (lines are shorter than JSON), else into a buffer of their own", async () => {
    const body = Buffer.from(bodyOf(pointText(), pointText()));
    const wire = fastJsonBytes(body, MAX_POINTS, LIMITS, OWN) as WireBatch;
    const [chunk] = wire.parts[0]?.chunks ?? [];
    expect(chunk?.buffer).toBe(body.buffer);
    expect(body.subarray(0, chunk?.length).toString()).toBe(wireText(wire));
    // 1e20 is written 100000000000000000000: these lines are longer than the JSON sent.
    const longer = bodyOf(pointText({ fields: '{"a":1e20,"b":1e20,"c":1e20,"d":1e20,"e":1e20,"f":1e20}' }));
    const d = await decide(longer);
    expect(wireText(d.bytes as WireBatch).length).toBeGreaterThan(longer.length);
  });
});

describe("numbers", () => {
  it.each([
    ["6.1", "6.1"],
    ["6.10", "6.1"],
    ["1e3", "1000"],
    ["-0", "0"],
    ["0.0000001", "1e-7"],
    ["0.000001", "0.000001"],
    ["1e21", "1e+21"],
    ["100000000000000000000", "100000000000000000000"],
    ["12345678901234567890", "12345678901234567000"],
    ["-1.5", "-1.5"],
    ["0.1234567890123456", "0.1234567890123456"],
    ["5e-324", "5e-324"],
  ])("%s is written %s, as encodeField(Number(text))", async (sent, written) => {
    const d = await decide(bodyOf(pointText({ fields: `{"v":${sent}}` })));
    expect(wireText(d.bytes as WireBatch)).toBe(`m,device=d,institution=${OWN} v=${written} ${T}`);
  });
});

describe("tenancy", () => {
  it("an institution tag naming the token's institution is kept in its place, not injected twice", async () => {
    const d = await decide(bodyOf(pointText({ tags: `{"zone":"z","institution":"${OWN}","device":"d"}` })));
    expect(wireText(d.bytes as WireBatch)).toBe(`m,device=d,institution=${OWN},zone=z v=1 ${T}`);
  });

  it("another institution, or one written otherwise, is given up on and refused by the reference path", async () => {
    for (const other of [OTHER_INSTITUTION, OWN.toUpperCase(), `${OWN}x`, OWN.slice(0, -1)]) {
      const d = await decide(
        bodyOf(pointText(), pointText({ tags: `{"device":"d","institution":"${other}"}` })),
      );
      expect(d.bytes).toBeUndefined();
      expect(d.today).toBeUndefined();
      expect(typeof d.reference).toBe("string");
    }
  });

  it("writes for the token's institution: the same body for another token is another batch", () => {
    const body = bodyOf(pointText());
    const mine = fastJsonBytes(Buffer.from(body), MAX_POINTS, LIMITS, OWN);
    const theirs = fastJsonBytes(Buffer.from(body), MAX_POINTS, LIMITS, OTHER_INSTITUTION);
    expect(mine && wireText(mine)).toBe(`m,device=d,institution=${OWN} v=1 ${T}`);
    expect(theirs && wireText(theirs)).toBe(`m,device=d,institution=${OTHER_INSTITUTION} v=1 ${T}`);
  });
});

describe("POST /api/v1/write with the scan in front (real influxd)", () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await buildTestBed({ bodyLimitBytes: 256 * 1024, maxPoints: 100 });
  });
  afterAll(() => bed.close());

  const post = (payload: string | Buffer, headers: Record<string, string> = {}, query = "") =>
    bed.app.inject({
      method: "POST",
      url: `/api/v1/write${query}`,
      headers: { "content-type": "application/json", authorization: `Bearer ${bed.token}`, ...headers },
      payload,
    });

  it("stores what the scan takes, gzipped or not, and what it gives up on (non-ASCII) as before", async () => {
    const scanned = bodyOf(pointText({ measurement: '"scan_m"', fields: '{"v":6.10,"s":"a b"}' }));
    expect((await post(scanned)).statusCode).toBe(204);
    const gz = bodyOf(pointText({ measurement: '"scan_m"', time: String(T + 1) }));
    expect((await post(gzipSync(gz), { "content-encoding": "gzip" })).statusCode).toBe(204);
    const utf8 = bodyOf(
      pointText({ measurement: '"scan_m"', tags: '{"device":"d","site":"école"}', time: String(T + 2) }),
    );
    expect((await post(utf8)).statusCode).toBe(204);
    expect(await bed.query('SELECT "v", "s", "site", "institution" FROM "scan_m"')).toEqual([
      { time: T, v: 6.1, s: "a b", site: null, institution: INSTITUTION },
      { time: T + 1, v: 1, s: null, site: null, institution: INSTITUTION },
      { time: T + 2, v: 1, s: null, site: "école", institution: INSTITUTION },
    ]);
  });

  it("answers an empty body, bad JSON and poisoned keys as Fastify's parser did", async () => {
    const empty = await post("");
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({
      error: { code: "JISR_ERR_INVALID_JSON", message: "Body is not valid JSON: the body is empty" },
    });
    for (const bad of [
      '{"points": [',
      `{"points":[{"__proto__":{"admin":true},${pointText().slice(1)}]}`,
      bodyOf(pointText({ fields: '{"v":1,"constructor":{"prototype":{"x":1}}}' })),
    ]) {
      const res = await post(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json(), bad).toEqual({
        error: { code: "JISR_ERR_INVALID_JSON", message: "Body is not valid JSON: syntax error" },
      });
    }
    // The body is still judged before the query string, as when Fastify parsed it first.
    const both = await post('{"points": [', {}, "?precision=h");
    expect(both.json().error.code).toBe("JISR_ERR_INVALID_JSON");
  });

  it("refuses a point of another institution with 403 and a bad point with 400, as the reference path words them", async () => {
    const other = await post(
      bodyOf(pointText({ tags: `{"device":"d","institution":"${OTHER_INSTITUTION}"}` })),
    );
    expect(other.statusCode).toBe(403);
    const bad = await post(bodyOf(pointText(), pointText({ fields: '{"v":null}' })));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems).toEqual([
      { index: 1, path: "points.1.fields.v", message: expect.any(String) },
    ]);
  });
});
