/**
 * Hostile bodies against the real service on a real socket and a real influxd (a database of its own):
 * several hundred requests, each carrying at least one thing the service must refuse, most of them with
 * good points beside it. Afterwards: every answer was a 4xx, no good point of a refused batch reached
 * InfluxDB, nothing names another institution, no field shadows a reserved tag, the service still
 * answers and stores, and memory stayed bounded.
 *
 * The inputs come from a seeded PRNG: the seed is in the test's name and in every failure message; run
 * again with JISR_FUZZ_SEED=<seed> to replay the same requests.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGzip, gzipSync } from "node:zlib";
import { mulberry32 } from "@jisr/core";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { createInfluxStore } from "./influx.js";
import { type IngestionServer, startIngestion } from "./server.js";
import { INSTITUTION, influxQuery, makeTokens, OTHER_INSTITUTION } from "./testing/service.js";

const SEED = Number(process.env.JISR_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = 400;
/** Hostile requests that must be sent, whatever the budget (control batches not counted). */
const MIN_HOSTILE = 300;
/** Past MIN_HOSTILE, no new case starts after this long, so a busy machine stays within the test's timeout. */
const BUDGET_MS = 30_000;
const BODY_LIMIT = 512 * 1024;
const MAX_POINTS = 200;
const T = Date.UTC(2026, 10, 29, 10, 0, 0);

/** A seeded generator (core's mulberry32): the same sequence for the same seed on every platform. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

interface Case {
  kind: string;
  body: string | Buffer;
  headers: Record<string, string>;
  query?: string;
  /** Markers of the good points inside this (refused) request. */
  goods: number[];
  /** No token, or a wrong one. */
  token?: string | null;
}

let nextMarker = 1;
const goodJson = () => {
  const marker = nextMarker++;
  return {
    marker,
    point: { measurement: "fuzz_good", tags: { device: "good" }, fields: { marker }, time: T + marker },
  };
};
const goodLine = () => {
  const marker = nextMarker++;
  return { marker, line: `fuzz_good,device=good marker=${marker} ${T + marker}` };
};

const CONTROL = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
].map((c) => String.fromCharCode(c));
const BAD_KEYS = ["A", "Power", "9x", "_x", "a-b", "a.b", "with space", "é", "time", "x".repeat(65), ""];
const RESERVED = ["institution", "device"];

/** One point that must be refused, as a JSON value (not always an object). */
function badJsonPoint(r: Rng): { kind: string; point: unknown } {
  const base = () => ({
    measurement: "fuzz_bad",
    tags: { device: "bad" } as Record<string, unknown>,
    fields: { v: 1 } as Record<string, unknown>,
    time: T as unknown,
  });
  const p = base();
  switch (r.int(0, 16)) {
    case 0:
      p.fields[r.pick(RESERVED)] = r.int(0, 9);
      return { kind: "json reserved field", point: p };
    case 1:
      p.tags.institution = r.pick([OTHER_INSTITUTION, "x", "ehpad-other", INSTITUTION.toUpperCase()]);
      return { kind: "json other institution", point: p };
    case 2:
      p.tags.site = `a${r.pick(CONTROL)}b`;
      return { kind: "json control char in tag", point: p };
    case 3:
      p.tags.site = r.pick(["a\ud800", "\udc00b", "\ud83d\ud83d", "x\udfff\ud800"]);
      return { kind: "json lone surrogate in tag", point: p };
    case 4:
      p.fields[r.pick(BAD_KEYS)] = 1;
      return { kind: "json bad field key", point: p };
    case 5:
      p.tags[`k${"x".repeat(r.int(100, 20_000))}`] = "v";
      return { kind: "json huge tag key", point: p };
    case 6:
      p.fields = Object.fromEntries(Array.from({ length: r.int(501, 3000) }, (_, i) => [`f${i}`, i]));
      return { kind: "json too many fields", point: p };
    case 7:
      for (let i = 0; i < r.int(33, 200); i++) p.tags[`t${i}`] = "x";
      return { kind: "json too many tags", point: p };
    case 8:
      p.fields.v = r.pick([null, { a: 1 }, [1, 2], "x".repeat(65_537), { $gt: 0 }]);
      return { kind: "json bad field value", point: p };
    case 9:
      p.time = r.pick([1_764_410_400, "yesterday", null, 1e20, -1, "2026-11-29T10:00:00", T + 0.5, "", []]);
      return { kind: "json bad time", point: p };
    case 10:
      return {
        kind: "json bad measurement",
        point: { ...p, measurement: r.pick([123, "", "Bad", "x".repeat(65), null, "pv inverter", "é"]) },
      };
    case 11:
      return {
        kind: "json junk point",
        point: r.pick(["a point", 42, null, [], [p], true, { points: [p] }]),
      };
    case 12:
      return {
        kind: "json junk tags",
        point: { ...p, tags: r.pick([[], "device=x", null, 7, { device: ["x"] }]) },
      };
    case 13:
      return { kind: "json extra property", point: { ...p, extra: 1 } };
    case 14:
      p.tags = {};
      return { kind: "json missing device", point: p };
    case 15:
      p.tags.site = r.pick(["", "x".repeat(257), "a\\b", 5, true]);
      return { kind: "json bad tag value", point: p };
    default:
      p.fields = {};
      return { kind: "json no fields", point: p };
  }
}

/** One line that must be refused. */
function badLine(r: Rng): { kind: string; line: string } {
  const c = r.pick(CONTROL.filter((ch) => ch !== "\n"));
  switch (r.int(0, 15)) {
    case 0:
      return { kind: "lp duplicate field", line: `fuzz_bad,device=bad v=1,w=2,v=3 ${T}` };
    case 1:
      return { kind: "lp duplicate tag", line: `fuzz_bad,device=bad,site=a,site=b v=1 ${T}` };
    case 2:
      return {
        kind: "lp int overflow",
        line: `fuzz_bad,device=bad v=${r.pick(["99999999999999999999i", "9223372036854775808i", "-9223372036854775809i", "18446744073709551616u", `${"9".repeat(400)}i`])} ${T}`,
      };
    case 3:
      return {
        kind: "lp NaN/inf",
        line: `fuzz_bad,device=bad v=${r.pick(["NaN", "nan", "inf", "-Infinity", "1e400", "0x10"])} ${T}`,
      };
    case 4:
      return { kind: "lp reserved field", line: `fuzz_bad,device=bad ${r.pick(RESERVED)}=0,v=1 ${T}` };
    case 5:
      return {
        kind: "lp other institution",
        line: `fuzz_bad,device=bad,institution=${OTHER_INSTITUTION} v=1 ${T}`,
      };
    case 6:
      return { kind: "lp control char in tag", line: `fuzz_bad,device=bad,site=a${c}b v=1 ${T}` };
    case 7:
      // A line break in a tag value ends the line: the rest is a second line, naming another institution.
      return {
        kind: "lp newline injection",
        line: `fuzz_bad,device=bad,site=a\nfuzz_good,device=x,institution=${OTHER_INSTITUTION} v=1 ${T}`,
      };
    case 8:
      return { kind: "lp huge key", line: `fuzz_bad,device=bad k${"x".repeat(r.int(100, 50_000))}=1 ${T}` };
    case 9:
      return {
        kind: "lp bad key",
        line: `fuzz_bad,device=bad ${r.pick(BAD_KEYS.filter(Boolean).map((k) => k.replace(/ /g, "\\ ")))}=1 ${T}`,
      };
    case 10:
      return {
        kind: "lp bad time",
        line: `fuzz_bad,device=bad v=1 ${r.pick(["1", "12x", "9".repeat(40), "-5", `${T}000000`])}`,
      };
    case 11:
      return { kind: "lp unterminated string", line: `fuzz_bad,device=bad s="open ${T}` };
    case 12:
      return {
        kind: "lp too many fields",
        line: `fuzz_bad,device=bad ${Array.from({ length: r.int(501, 2000) }, (_, i) => `f${i}=1`).join(",")} ${T}`,
      };
    case 13:
      return {
        kind: "lp too many tags",
        line: `fuzz_bad,device=bad,${Array.from({ length: r.int(33, 100) }, (_, i) => `t${i}=x`).join(",")} v=1 ${T}`,
      };
    case 14:
      return { kind: "lp missing device", line: `fuzz_bad v=1 ${T}` };
    default:
      return {
        kind: "lp junk",
        line: r.pick([
          "=",
          ",,,",
          "fuzz_bad,device=bad",
          "fuzz_bad,=x v=1",
          "Fuzz,device=bad v=1",
          "fuzz_bad,device=bad v=1,",
        ]),
      };
  }
}

function jsonBatch(r: Rng): Case {
  const goods = Array.from({ length: r.int(0, 3) }, goodJson);
  const bad = badJsonPoint(r);
  const points: unknown[] = goods.map((g) => g.point);
  points.splice(r.int(0, points.length), 0, bad.point);
  return {
    kind: bad.kind,
    body: JSON.stringify({ points }),
    headers: { "content-type": "application/json" },
    goods: goods.map((g) => g.marker),
  };
}

function lineBatch(r: Rng): Case {
  const goods = Array.from({ length: r.int(0, 3) }, goodLine);
  const bad = badLine(r);
  const lines = goods.map((g) => g.line);
  lines.splice(r.int(0, lines.length), 0, bad.line);
  return {
    kind: bad.kind,
    body: lines.join(r.pick(["\n", "\r\n"])),
    headers: { "content-type": "text/plain" },
    query: "?precision=ms",
    goods: goods.map((g) => g.marker),
  };
}

/** Refusals of the request as a whole: envelope, encoding, type, size, token, query. */
function requestCase(r: Rng, bomb: Buffer): Case {
  const goods = Array.from({ length: r.int(1, 3) }, goodJson);
  const json = JSON.stringify({ points: goods.map((g) => g.point) });
  const markers = goods.map((g) => g.marker);
  const jsonHeaders = { "content-type": "application/json" };
  switch (r.int(0, 16)) {
    case 0:
      return {
        kind: "gzip bomb",
        body: bomb,
        headers: { ...jsonHeaders, "content-encoding": "gzip" },
        goods: [],
      };
    case 1: {
      const gz = gzipSync(json);
      return {
        kind: "truncated gzip",
        body: gz.subarray(0, r.int(1, gz.length - 1)),
        headers: { ...jsonHeaders, "content-encoding": "gzip" },
        goods: markers,
      };
    }
    case 2:
      return {
        kind: "not gzip",
        body: json,
        headers: { ...jsonHeaders, "content-encoding": "gzip" },
        goods: markers,
      };
    case 3:
      return {
        kind: "unknown encoding",
        body: json,
        headers: { ...jsonHeaders, "content-encoding": r.pick(["br", "deflate", "compress", "gzip, gzip"]) },
        goods: markers,
      };
    case 4:
      return {
        kind: "wrong content type",
        body: json,
        headers: {
          "content-type": r.pick([
            "application/xml",
            "application/octet-stream",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
          ]),
        },
        goods: markers,
      };
    case 5:
      return { kind: "no content type", body: Buffer.from(json), headers: {}, goods: markers };
    case 6:
      return {
        kind: "truncated json",
        body: json.slice(0, r.int(0, json.length - 1)),
        headers: jsonHeaders,
        goods: markers,
      };
    case 7:
      return {
        kind: "json envelope",
        body: r.pick([
          JSON.stringify(goods.map((g) => g.point)),
          JSON.stringify({ points: goods.map((g) => g.point), extra: 1 }),
          JSON.stringify({ point: goods.map((g) => g.point) }),
          `{"points":[${json.slice(11, -2)}],"points":"x"}`,
          `{"points":[{"__proto__":{"admin":true},${JSON.stringify(goods[0]?.point).slice(1)}]}`,
          `{"points":[{"measurement":"fuzz_good","tags":{"device":"good"},"fields":{"v":NaN},"time":${T}}]}`,
          `{"points":[{"measurement":"fuzz_good","tags":{"device":"good"},"fields":{"v":1e999},"time":${T}}]}`,
          "null",
          "[]",
          '"points"',
        ]),
        headers: jsonHeaders,
        goods: markers,
      };
    case 8: {
      const depth = r.int(1000, 100_000);
      return {
        kind: "deep nesting",
        body: `${"[".repeat(depth)}${"]".repeat(depth)}`,
        headers: jsonHeaders,
        goods: [],
      };
    }
    case 9: {
      const filler = "x".repeat(BODY_LIMIT);
      return {
        kind: "oversized body",
        body: JSON.stringify({ points: [...goods.map((g) => g.point)], pad: filler }),
        headers: jsonHeaders,
        goods: markers,
      };
    }
    case 10: {
      const many = Array.from({ length: MAX_POINTS + 1 }, goodJson);
      return {
        kind: "too many points",
        body: JSON.stringify({ points: many.map((g) => g.point) }),
        headers: jsonHeaders,
        goods: many.map((g) => g.marker),
      };
    }
    case 11:
      return { kind: "no token", body: json, headers: jsonHeaders, goods: markers, token: null };
    case 12:
      return {
        kind: "wrong token",
        body: json,
        headers: jsonHeaders,
        goods: markers,
        token: r.pick([`jisr_${"A".repeat(43)}`, "jisr_", "x", `jisr_${"A".repeat(10_000)}`]),
      };
    case 13:
      return {
        kind: "bad query",
        body: goods.map(() => goodLine().line).join("\n"),
        headers: { "content-type": "text/plain" },
        query: r.pick(["?precision=h", "?precision=ms&db=other", "?precision=", "?institution=x"]),
        goods: [],
      };
    case 14:
      return {
        kind: "empty body",
        body: r.pick(["", "\n\n", "# only a comment\n"]),
        headers: { "content-type": "text/plain" },
        goods: [],
      };
    case 15:
      return { kind: "json as text", body: json, headers: { "content-type": "text/plain" }, goods: markers };
    default:
      return { kind: "line protocol as json", body: goodLine().line, headers: jsonHeaders, goods: [] };
  }
}

/** A gzip body of `inflated` zero bytes, made as a stream so the test itself never holds them. */
async function gzipBomb(inflated: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gzip.on("end", resolve));
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < inflated; written += chunk.length) {
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once("drain", resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

let dir: string;
let server: IngestionServer;
let closeStore: () => Promise<void>;
let database: string;
let tokens: Awaited<ReturnType<typeof makeTokens>>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-fuzz-"));
  tokens = await makeTokens(dir);
  database = uniqueDatabase("fuzz");
  const store = createInfluxStore({ influxUrl: influxUrl(), database, logger: pino({ level: "silent" }) });
  closeStore = () => store.close();
  server = await startIngestion({
    store,
    tokensFile: tokens.tokensFile,
    bodyLimitBytes: BODY_LIMIT,
    maxPoints: MAX_POINTS,
    logger: false,
    host: "127.0.0.1",
    port: 0,
  });
});
afterAll(async () => {
  await server?.close();
  await closeStore?.();
  rmSync(dir, { recursive: true, force: true });
});

describe(`fuzzing POST /api/v1/write (seed ${SEED}; replay with JISR_FUZZ_SEED=${SEED})`, () => {
  it(`refuses ${MIN_HOSTILE}+ hostile requests with a 4xx, writes none of their points, and stays up`, async () => {
    const r = prng(SEED);
    // 512 MiB of zeros in about half a megabyte: inflated without a limit it would show in the RSS.
    const bomb = await gzipBomb(512 * 1024 * 1024);
    expect(bomb.length).toBeLessThanOrEqual(BODY_LIMIT);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const started = Date.now();
    const refusedGoods: number[] = [];
    const controls: number[] = [];
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    let sent = 0;
    let hostile = 0;

    const send = async (c: Case): Promise<number> => {
      const token = c.token === undefined ? tokens.token : c.token;
      const res = await fetch(`${server.url}/api/v1/write${c.query ?? ""}`, {
        method: "POST",
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...c.headers },
        body: c.body,
      });
      const text = await res.text();
      if (res.status >= 400 && res.status < 500 && !/"code":"JISR_ERR_[A-Z_]+"/.test(text))
        failures.push(`${c.kind}: ${res.status} without a JISR_ERR_ code: ${text.slice(0, 200)}`);
      return res.status;
    };

    const worker = async () => {
      while (sent < CASES && (hostile < MIN_HOSTILE || Date.now() - started < BUDGET_MS)) {
        const n = sent++;
        // Every 25th request is a good batch: the service must keep storing between the hostile ones.
        if (n % 25 === 24) {
          const marker = nextMarker++;
          const status = await send({
            kind: "control",
            body: JSON.stringify({
              points: [
                { measurement: "fuzz_ctrl", tags: { device: "ctrl" }, fields: { marker }, time: T + marker },
              ],
            }),
            headers: { "content-type": "application/json" },
            goods: [],
          });
          if (status !== 204) failures.push(`control batch ${marker}: ${status}`);
          else controls.push(marker);
          continue;
        }
        const c = r.pick([jsonBatch, jsonBatch, lineBatch, lineBatch, (g: Rng) => requestCase(g, bomb)])(r);
        hostile++;
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        const status = await send(c);
        if (status < 400 || status >= 500) failures.push(`#${n} ${c.kind}: answered ${status}`);
        refusedGoods.push(...c.goods);
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);

    const seed = `(seed ${SEED})`;
    expect(failures, seed).toEqual([]);
    expect(hostile, `hostile requests sent ${seed}`).toBeGreaterThanOrEqual(MIN_HOSTILE);
    expect(kinds.size, `kinds of hostile input ${seed}`).toBeGreaterThanOrEqual(40);
    expect(refusedGoods.length, seed).toBeGreaterThan(100);

    // Nothing half-written: no good point of a refused request is in InfluxDB.
    const stored = await influxQuery(influxUrl(), database, 'SELECT "marker" FROM "fuzz_good"');
    const leaked = stored.map((row) => row.marker).filter((m) => refusedGoods.includes(m as number));
    expect(leaked, `good points of refused batches found in InfluxDB ${seed}`).toEqual([]);
    expect(await influxQuery(influxUrl(), database, 'SELECT * FROM "fuzz_bad"'), seed).toEqual([]);
    // ...while the good batches between them were all stored.
    const ctrl = await influxQuery(influxUrl(), database, 'SELECT "marker" FROM "fuzz_ctrl"');
    expect(
      ctrl.map((row) => row.marker).sort((a, b) => Number(a) - Number(b)),
      seed,
    ).toEqual(controls.sort((a, b) => a - b));
    // No series of another institution, no field shadowing a reserved tag.
    const institutions = await influxQuery(influxUrl(), database, 'SHOW TAG VALUES WITH KEY = "institution"');
    expect(new Set(institutions.map((row) => row.value)), seed).toEqual(new Set([INSTITUTION]));
    const fieldKeys = await influxQuery(influxUrl(), database, "SHOW FIELD KEYS");
    expect(
      fieldKeys.filter((row) => RESERVED.includes(row.fieldKey as string)),
      seed,
    ).toEqual([]);

    // Alive, and memory bounded: a bomb inflated whole, or a point kept per request, would show here.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(rssPeak - rssBefore, `RSS growth in bytes ${seed}`).toBeLessThan(400 * 1024 * 1024);
  }, 90_000);
});
