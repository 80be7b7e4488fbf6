import { describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../test/servers/context.js";
import {
  encodePoint,
  encodePoints,
  escapeKey,
  escapeMeasurement,
  escapeStringField,
  type ParseResult,
  parseLine,
  parseLines,
} from "./line-protocol.js";
import type { Point } from "./point.js";

const T = 1_793_577_600_123; // 2026-11-02T00:00:00.123Z

function point(partial: Partial<Point>): Point {
  return { measurement: "pv", tags: {}, fields: { power_w: 1 }, time: T, ...partial };
}

function parsed(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a point, got: ${result.error}`);
  return result.point;
}

describe("encoding", () => {
  it("escapes commas, spaces and equals signs in tag keys and values, and sorts tags", () => {
    const line = encodePoint(point({ tags: { site: "a b,c=d", device: "x" } }));
    expect(line).toBe(`pv,device=x,site=a\\ b\\,c\\=d power_w=1 ${T}`);
  });

  it("escapes commas and spaces (not equals signs) in measurement names", () => {
    expect(escapeMeasurement("a b,c=d")).toBe("a\\ b\\,c=d");
    expect(escapeKey("a b,c=d")).toBe("a\\ b\\,c\\=d");
  });

  it("escapes only quotes and backslashes in string fields; a line break stays inside the quotes", () => {
    expect(escapeStringField('say "hi" \\ there')).toBe('say \\"hi\\" \\\\ there');
    const line = encodePoint(point({ fields: { note: 'a" 123\nevil f=1' } }));
    expect(line).toBe(`pv note="a\\" 123\nevil f=1" ${T}`);
  });

  it("writes numbers as floats (never `i`), booleans as true/false, fields sorted", () => {
    const line = encodePoint(
      point({ fields: { z: 5, a: -0.5, on: true, off: false, big: 1e21, tiny: 5e-324 } }),
    );
    expect(line).toBe(`pv a=-0.5,big=1e+21,off=false,on=true,tiny=5e-324,z=5 ${T}`);
  });

  it("writes the timestamp in the precision asked", () => {
    const p = point({});
    expect(encodePoint(p, "ms").endsWith(` ${T}`)).toBe(true);
    expect(encodePoint(p, "s").endsWith(" 1793577600")).toBe(true);
    expect(encodePoint(p, "us").endsWith(` ${T}000`)).toBe(true);
    expect(encodePoint(p, "ns").endsWith(` ${T}000000`)).toBe(true);
  });

  it("refuses values InfluxDB cannot store, and points without fields", () => {
    expect(() => encodePoint(point({ fields: { x: Number.NaN } }))).toThrow(/NaN cannot be written/);
    expect(() => encodePoint(point({ fields: { x: Number.POSITIVE_INFINITY } }))).toThrow(/Infinity/);
    expect(() => encodePoint(point({ fields: {} }))).toThrow(/has no field/);
  });

  it("leaves out empty tags and joins points with newlines", () => {
    expect(encodePoints([point({ tags: { a: "", b: "1" } }), point({ time: T + 1 })])).toBe(
      `pv,b=1 power_w=1 ${T}\npv power_w=1 ${T + 1}`,
    );
  });
});

describe("parsing", () => {
  it("reads integers, floats, booleans and strings with escaped quotes", () => {
    const p = parsed(parseLine('m,t=a i=42i,u=7u,f=-1.5e3,g=.5,b=t,B=FALSE,s="say \\"hi\\" \\\\ x" 1', "ns"));
    expect(p).toEqual({
      measurement: "m",
      tags: { t: "a" },
      fields: { i: 42, u: 7, f: -1500, g: 0.5, b: true, B: false, s: 'say "hi" \\ x' },
      time: 0,
    });
  });

  it("unescapes commas, spaces and equals signs in names and tags", () => {
    const p = parsed(parseLine("my\\ m\\,x,site=a\\ b\\,c\\=d,k\\=1=v f\\ 1=1 1000", "ms"));
    expect(p.measurement).toBe("my m,x");
    expect(p.tags).toEqual({ site: "a b,c=d", "k=1": "v" });
    expect(p.fields).toEqual({ "f 1": 1 });
  });

  it("converts the timestamp of each precision to epoch ms", () => {
    expect(parsed(parseLine("m f=1 1793577600123456789", "ns")).time).toBe(T);
    expect(parsed(parseLine("m f=1 1793577600123456", "us")).time).toBe(T);
    expect(parsed(parseLine(`m f=1 ${T}`, "ms")).time).toBe(T);
    expect(parsed(parseLine("m f=1 1793577600", "s")).time).toBe(1_793_577_600_000);
    expect(parsed(parseLine("m f=1")).time).toBeUndefined();
  });

  it("skips blank lines and comments, numbers lines from 1, and keeps a line break inside a string", () => {
    const body = `# a comment\n\nm f=1 1\r\nm s="two\nlines" 2\n  # indented comment\nm f=3 3\n`;
    const results = parseLines(body, "ms");
    expect(results.map((r) => r.line)).toEqual([3, 4, 7]);
    expect(results.map((r) => parsed(r).fields)).toEqual([{ f: 1 }, { s: "two\nlines" }, { f: 3 }]);
  });

  it.each([
    ["", "missing measurement name"],
    ["m", "expected a space before the fields"],
    ["m,t f=1", 'tag "t" has no value (expected key=value)'],
    ["m,t= f=1", "empty tag key or value"],
    ["m f", 'field "f" has no value'],
    ["m a,b=1", 'field "a" has no value'],
    ['m s="open', 'unterminated string in field "s"'],
    ["m f=abc", 'invalid value "abc" for field "f"'],
    ["m f=-1u", 'invalid value "-1u" for field "f"'],
    ["m f=1 12x", 'invalid timestamp "12x"'],
    ["m f=1 1 2", 'invalid timestamp "1 2"'],
    ["m,t=a,t=b f=1", 'tag "t" appears twice in the line'],
    ["m f=1,g=2,f=3", 'field "f" appears twice in the line'],
    [
      "m f=99999999999999999999i",
      'field "f": integer 99999999999999999999i is outside the signed 64-bit range',
    ],
    [
      "m f=9223372036854775808i",
      'field "f": integer 9223372036854775808i is outside the signed 64-bit range',
    ],
    [
      "m f=-9223372036854775809i",
      'field "f": integer -9223372036854775809i is outside the signed 64-bit range',
    ],
    [
      "m f=18446744073709551616u",
      'field "f": integer 18446744073709551616u is outside the unsigned 64-bit range',
    ],
    [`m ${"k".repeat(100)}`, `field "${"k".repeat(64)}…" has no value`],
  ])("refuses %j: %s", (line, reason) => {
    expect(parseLine(line)).toEqual({ ok: false, error: reason });
  });

  it("reads the extremes of the 64-bit integer ranges (as floats, like every number)", () => {
    const p = parsed(parseLine("m a=9223372036854775807i,b=-9223372036854775808i,c=18446744073709551615u"));
    expect(p.fields).toEqual({ a: 2 ** 63, b: -(2 ** 63), c: 2 ** 64 });
  });

  it("keeps a `__proto__` key as an own key, for validation to see, instead of dropping it", () => {
    const p = parsed(parseLine("m,__proto__=x __proto__=1,f=2"));
    expect(Object.keys(p.tags)).toEqual(["__proto__"]);
    expect(Object.keys(p.fields)).toEqual(["__proto__", "f"]);
    expect(Object.getPrototypeOf(p.tags)).toBe(Object.prototype);
  });

  it("reads back what it encodes", () => {
    const p = point({ tags: { site: 'a b,c=d "q" it\'s' }, fields: { s: 'x"\n\\', n: 2.5, b: false } });
    expect(parsed(parseLine(encodePoint(p), "ms"))).toEqual(p);
  });
});

describe("line protocol against the real influxd", () => {
  async function influx(path: string, body: string | URLSearchParams): Promise<Response> {
    return fetch(`${influxUrl()}${path}`, { method: "POST", body });
  }

  async function select(db: string, q: string): Promise<unknown> {
    const form = new URLSearchParams({ q, db, epoch: "ms" });
    const res = await fetch(`${influxUrl()}/query`, { method: "POST", body: form });
    return res.json();
  }

  it("stores an injection attempt in a tag value or a string field as one point with the literal text", async () => {
    const db = uniqueDatabase("lp");
    expect((await influx("/query", new URLSearchParams({ q: `CREATE DATABASE "${db}"` }))).ok).toBe(true);
    const tag = "x,institution=evil f=1";
    const text = 'a" 123\nevil f=1';
    const body = encodePoints([
      { measurement: "pv", tags: { device: tag }, fields: { note: text, power_w: 1 }, time: T },
    ]);
    const res = await influx(`/write?db=${db}&precision=ms`, body);
    expect(res.status).toBe(204);

    expect(await select(db, "SHOW MEASUREMENTS")).toEqual({
      results: [{ statement_id: 0, series: [{ name: "measurements", columns: ["name"], values: [["pv"]] }] }],
    });
    expect(await select(db, 'SELECT * FROM "pv" GROUP BY *')).toEqual({
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: "pv",
              tags: { device: tag },
              columns: ["time", "note", "power_w"],
              values: [[T, text, 1]],
            },
          ],
        },
      ],
    });
  });

  it("round-trips quotes, backslashes and a line break in string fields on InfluxDB 1.6.7", async () => {
    const db = uniqueDatabase("lp");
    await influx("/query", new URLSearchParams({ q: `CREATE DATABASE "${db}"` }));
    const strings = [
      "ends with backslash \\",
      "two\nlines",
      '"quoted"',
      "tab\there",
      "",
      "comma, space = equals",
    ];
    const points = strings.map((s, i) => ({ measurement: "notes", tags: {}, fields: { s }, time: T + i }));
    expect((await influx(`/write?db=${db}&precision=ms`, encodePoints(points))).status).toBe(204);
    const result = (await select(db, 'SELECT "s" FROM "notes"')) as {
      results: Array<{ series: Array<{ values: Array<[number, string]> }> }>;
    };
    expect(result.results[0]?.series[0]?.values.map((v) => v[1])).toEqual(strings);
  });
});
