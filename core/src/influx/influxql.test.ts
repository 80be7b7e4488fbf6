import { describe, expect, it } from "vitest";
import {
  buildAggregateQuery,
  buildLatestQuery,
  msLiteral,
  quoteIdentifier,
  quoteString,
} from "./influxql.js";

describe("InfluxQL quoting", () => {
  it("escapes quotes, backslashes and line breaks so a value stays one literal", () => {
    expect(quoteString(`it's`)).toBe(`'it\\'s'`);
    expect(quoteString(`x' OR '1'='1`)).toBe(`'x\\' OR \\'1\\'=\\'1'`);
    expect(quoteString("a\\")).toBe(`'a\\\\'`);
    expect(quoteString("two\nlines")).toBe(`'two\\nlines'`);
    expect(quoteString(`"double"`)).toBe(`'"double"'`);
    expect(quoteIdentifier(`my "m"`)).toBe(`"my \\"m\\""`);
    expect(quoteIdentifier("it's")).toBe(`"it's"`);
  });

  it("writes instants as epoch-ms literals and refuses fractions", () => {
    expect(msLiteral(1_793_577_600_000)).toBe("1793577600000ms");
    expect(() => msLiteral(1.5)).toThrow(RangeError);
  });
});

describe("query building", () => {
  it("builds an aggregate with tag filters in key order, groupBy and fill(none)", () => {
    const q = buildAggregateQuery({
      measurement: "pv",
      field: "power_w",
      fn: "mean",
      from: 1000,
      to: 61_000,
      everyMs: 60_000,
      where: { institution: "dar-al-amal", device: `it's` },
      groupBy: ["institution", "device"],
    });
    expect(q).toBe(
      `SELECT mean("power_w") FROM "pv" WHERE time >= 1000ms AND time < 61000ms AND "device"::tag = 'it\\'s' ` +
        `AND "institution"::tag = 'dar-al-amal' GROUP BY time(60000ms), "institution"::tag, "device"::tag fill(none)`,
    );
  });

  it("builds the latest query over a bounded window, one row per series", () => {
    expect(buildLatestQuery({ measurement: "pv", now: 5000, lookbackMs: 1000 })).toBe(
      `SELECT * FROM "pv" WHERE time >= 4000ms AND time <= 5000ms GROUP BY * ORDER BY time DESC LIMIT 1`,
    );
  });
});
