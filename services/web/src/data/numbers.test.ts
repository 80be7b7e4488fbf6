/**
 * The number formatter, worked by hand, and its two copies in agreement: the reports' (TypeScript,
 * services/reports/src/i18n/numbers.ts) and the page's (browser JavaScript, public/js/numbers.js).
 */
import * as reports from "@jisr/reports";
import { describe, expect, it } from "vitest";

// The page's copy is plain JavaScript served as is; its shape is the reports' one.
const page = (await import("../../public/js/numbers.js" as string)) as typeof reports;

const NBSP = "\u00a0";

describe("formatQuantity", () => {
  it("scales power and energy, with fixed decimals per unit", () => {
    const f = reports.formatQuantity;
    expect(f(640, "W", "fr-MA")).toBe(`640${NBSP}W`);
    expect(f(5647, "W", "fr-MA")).toBe(`5,6${NBSP}kW`); // not "5.647 W" beside "10,3 kW"
    expect(f(10_300, "W", "fr-MA")).toBe(`10,3${NBSP}kW`);
    expect(f(2_345_000, "W", "en-GB")).toBe(`2.35${NBSP}MW`);
    expect(f(1000, "Wh", "fr-MA")).toBe(`1,0${NBSP}kWh`); // never "1 kWh" beside "2,6 kWh"
    expect(f(2600, "Wh", "fr-MA")).toBe(`2,6${NBSP}kWh`);
    expect(f(1_234_500, "Wh", "fr-MA")).toBe(`1,23${NBSP}MWh`);
    expect(f(489.25, "MAD", "fr-MA")).toBe(`489,25${NBSP}MAD`);
    expect(f(12345.6, "MAD", "en-GB")).toBe(`12,345.60${NBSP}MAD`);
    expect(f(53.7, "C", "ar-MA")).toBe(`53,7${NBSP}°C`);
    expect(f(92.5, "pct", "fr-MA")).toBe("92,5\u202f%");
    expect(f(92.5, "pct", "en-GB")).toBe("92.5%");
    expect(f(null, "W", "fr-MA", {}, "pas de données")).toBe("pas de données");
    expect(f(-0.004, "MAD", "fr-MA")).toBe(`0,00${NBSP}MAD`); // no "-0,00"
  });

  it("wraps the figure in a left-to-right isolate for Arabic text", () => {
    expect(reports.formatQuantity(53.7, "C", "ar-MA", { isolate: true })).toBe(`\u206653,7${NBSP}°C\u2069`);
  });
});

describe("formatColumn: the displayed rows add up to the displayed total", () => {
  it("keeps the unit's decimals when they already add up", () => {
    // 489,25 + 150,75 + 40,00 = 680,00
    const c = reports.formatColumn([489.25, 150.75, 40], "MAD", "fr-MA");
    expect(c.rows).toEqual([`489,25${NBSP}MAD`, `150,75${NBSP}MAD`, `40,00${NBSP}MAD`]);
    expect(c.total).toBe(`680,00${NBSP}MAD`);
  });

  it("shows one scale for the whole column, the largest value's", () => {
    // 6 500 W + 3 000 W + none = 9 500 W: all in kW, not "6.500 W" beside "9,5 kW".
    const c = reports.formatColumn([6500, 3000, null], "W", "fr-MA", { empty: "–" });
    expect(c.rows).toEqual([`6,5${NBSP}kW`, `3,0${NBSP}kW`, "–"]);
    expect(c.total).toBe(`9,5${NBSP}kW`);
  });

  it("adds decimals until the rows add up", () => {
    // 1,04 kWh three times: at one decimal 1,0 + 1,0 + 1,0 = 3,0 but the total 3,12 shows 3,1;
    // at two decimals 1,04 + 1,04 + 1,04 = 3,12.
    const c = reports.formatColumn([1040, 1040, 1040], "Wh", "fr-MA");
    expect(c.decimals).toBe(2);
    expect(c.rows).toEqual([`1,04${NBSP}kWh`, `1,04${NBSP}kWh`, `1,04${NBSP}kWh`]);
    expect(c.total).toBe(`3,12${NBSP}kWh`);
    // 45,6 + 12,345 kWh = 57,945 kWh: at one decimal 45,6 + 12,3 = 57,9, and 57,945 shows 57,9.
    expect(reports.formatColumn([45_600, 12_345], "Wh", "fr-MA").total).toBe(`57,9${NBSP}kWh`);
  });

  it("the issue's case: a total of 5 over rows of 3 + 2 + 1 becomes 4,70 over 2,60 + 1,50 + 0,60", () => {
    const c = reports.formatColumn([2.6, 1.5, 0.6], "MAD", "fr-MA");
    expect(c.rows.join(" + ")).toBe(`2,60${NBSP}MAD + 1,50${NBSP}MAD + 0,60${NBSP}MAD`);
    expect(c.total).toBe(`4,70${NBSP}MAD`);
  });

  it("does not add up what does not add (percentages)", () => {
    const c = reports.formatColumn([92.5, 75], "pct", "en-GB", { total: 86.7 });
    expect(c.rows).toEqual(["92.5%", "75.0%"]);
    expect(c.total).toBe("86.7%");
    expect(c.decimals).toBe(1);
  });
});

describe("the page's copy agrees with the reports'", () => {
  const values = [0, 0.4, 640, 999.5, 5647, 10_300, 1_234_500, -12.5, 53.7, 489.25, 12_345.678, null];
  const quantities = ["W", "Wh", "MAD", "C", "pct", "count"] as const;
  const locales = ["fr-MA", "ar-MA", "en-GB"];
  it("on every value, unit and locale", () => {
    let cases = 0;
    for (const locale of locales)
      for (const q of quantities)
        for (const v of values) {
          for (const isolate of [false, true]) {
            expect(page.formatQuantity(v, q, locale, { isolate }), `${v} ${q} ${locale}`).toBe(
              reports.formatQuantity(v, q, locale, { isolate }),
            );
            cases++;
          }
        }
    expect(cases).toBe(locales.length * quantities.length * values.length * 2);
  });

  it("on columns", () => {
    const columns: Array<Array<number | null>> = [
      [1040, 1040, 1040],
      [2.6, 1.5, 0.6],
      [6500, 3000, null],
      [0.333, 0.333, 0.334],
    ];
    for (const locale of locales)
      for (const q of quantities)
        for (const column of columns)
          expect(page.formatColumn(column, q, locale)).toEqual(reports.formatColumn(column, q, locale));
  });
});
