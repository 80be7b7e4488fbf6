import { describe, expect, it } from "vitest";
import { pointSchema, seriesKey } from "./point.js";

const base = {
  measurement: "pv",
  tags: { device: "inv-1" },
  fields: { power_w: 1 },
  time: 1_793_577_600_000,
};

describe("pointSchema", () => {
  it("accepts a plain point and an ISO time", () => {
    expect(pointSchema.parse({ ...base, time: "2026-11-02T00:00:00Z" }).time).toBe(1_793_577_600_000);
  });

  it('refuses "time" as a tag or field name: InfluxDB rejects or drops it', () => {
    const tag = pointSchema.safeParse({ ...base, tags: { time: "x" } });
    expect(tag.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["tags.time", 'must not be "time" (reserved by InfluxDB)'],
    ]);
    expect(pointSchema.safeParse({ ...base, fields: { time: 1 } }).success).toBe(false);
  });

  it("refuses a name that is both a tag and a field", () => {
    const r = pointSchema.safeParse({ ...base, fields: { device: "x", power_w: 1 } });
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["fields.device", '"device" is already a tag of this point'],
    ]);
    expect(pointSchema.safeParse({ ...base, fields: { constructor: 1 } }).success).toBe(true);
  });

  it('refuses "institution" and "device" as field names, tag or no tag: they would shadow the tags', () => {
    const r = pointSchema.safeParse({ ...base, tags: {}, fields: { institution: 0, device: 1, power_w: 0 } });
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["fields.institution", '"institution" is reserved for the tag of that name and cannot be a field'],
      ["fields.device", '"device" is reserved for the tag of that name and cannot be a field'],
    ]);
    expect(pointSchema.safeParse({ ...base, tags: { institution: "x" }, fields: { v: 1 } }).success).toBe(
      true,
    );
  });

  it.each([
    ["NEL U+0085", "a\u0085b"],
    ["C1 U+0080", "a\u0080"],
    ["C1 U+009F", "\u009fb"],
    ["DEL", "a\u007fb"],
    ["NUL", "a\u0000b"],
    ["tab", "a\tb"],
  ])("refuses a tag value with a control character (%s)", (_name, value) => {
    const r = pointSchema.safeParse({ ...base, tags: { device: value } });
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["tags.device", "must not contain backslashes, line breaks or other control characters"],
    ]);
  });

  it.each([
    ["a lone high surrogate", "a\ud800b"],
    ["a lone low surrogate", "\udc00"],
    ["a high surrogate at the end", "ab\ud83d"],
    ["two high surrogates", "\ud83d\ud83d\ude00"],
  ])("refuses a tag value with %s", (_name, value) => {
    const r = pointSchema.safeParse({ ...base, tags: { device: value } });
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      "must not contain a lone (unpaired) UTF-16 surrogate",
    ]);
  });

  it("accepts non-ASCII text in tag values: accents, Arabic, Tifinagh, an emoji (a surrogate pair)", () => {
    for (const device of ["chaudière-é", "سخان", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "pv-\u{1F31E}", "\u00a0nbsp"]) {
      expect(pointSchema.safeParse({ ...base, tags: { device } }).success, device).toBe(true);
    }
  });

  it("refuses backslashes and control characters in tag values", () => {
    expect(pointSchema.safeParse({ ...base, tags: { device: "a\\b" } }).success).toBe(false);
    expect(pointSchema.safeParse({ ...base, tags: { device: "a\nb" } }).success).toBe(false);
    expect(pointSchema.safeParse({ ...base, tags: { device: `a "b", c=d it's` } }).success).toBe(true);
  });
});

describe("seriesKey", () => {
  it("tells apart tag sets that would print alike without escaping", () => {
    const one = seriesKey({ measurement: "pv", tags: { a: "1,b=2" } });
    const two = seriesKey({ measurement: "pv", tags: { a: "1", b: "2" } });
    expect(one).not.toBe(two);
    expect(two).toBe("pv,a=1,b=2");
  });

  it("ignores tag order and empty tags", () => {
    expect(seriesKey({ measurement: "pv", tags: { b: "2", a: "1", c: "" } })).toBe("pv,a=1,b=2");
  });
});
