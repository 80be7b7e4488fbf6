/**
 * The three catalogues against the rules' own list of message keys (rules/catalog.ts): every summary and
 * action a rule can emit has a text in fr, ar and en, every placeholder is a parameter the rule sends,
 * and the three files hold the same keys.
 */
import { describe, expect, it } from "vitest";
import { allActionKeys, RULE_CATALOG } from "../rules/catalog.js";
import { fillTemplate, formatQuantity, formatSpan } from "./format.js";
import { CATALOGUES } from "./index.js";

const summaryKeys = Object.entries(RULE_CATALOG).flatMap(([rule, d]) =>
  d.variants.map((v) => `${rule}.${v}`),
);
const ARABIC_LETTER = /[\u0600-\u06ff]/;

describe.each(Object.values(CATALOGUES))("catalogue $language", (c) => {
  it("has a text for every summary key of every rule, and no other", () => {
    expect(Object.keys(c.summaries).sort()).toEqual([...summaryKeys].sort());
  });

  it("has a text for every action key, and no other", () => {
    expect(Object.keys(c.actions).sort()).toEqual(allActionKeys());
  });

  it("only uses placeholders the rule sends", () => {
    const unknown: string[] = [];
    for (const [rule, d] of Object.entries(RULE_CATALOG)) {
      const known = new Set(["institution", "device", ...d.params]);
      for (const v of d.variants) {
        for (const [, name] of (c.summaries[`${rule}.${v}`] ?? "").matchAll(/\{(\w+)\}/g)) {
          if (!known.has(name as string)) unknown.push(`${rule}.${v}: {${name}}`);
        }
      }
    }
    for (const [key, text] of Object.entries(c.actions)) {
      for (const [, name] of text.matchAll(/\{(\w+)\}/g)) {
        if (name !== "institution" && name !== "device") unknown.push(`${key}: {${name}}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("names the same evidence as the English catalogue", () => {
    expect(Object.keys(c.evidence).sort()).toEqual(Object.keys(CATALOGUES.en.evidence).sort());
  });

  it.runIf(c.language === "ar")("is written in Arabic script, right to left", () => {
    expect(c.dir).toBe("rtl");
    const texts = [...Object.values(c.summaries), ...Object.values(c.actions), ...Object.values(c.evidence)];
    expect(texts.filter((t) => !ARABIC_LETTER.test(t))).toEqual([]);
  });
});

describe("formatting", () => {
  it("fills placeholders, numbers in the language's format, and leaves unknown ones visible", () => {
    expect(fillTemplate("{a} kWh, {b}, {c}", { a: 1234.5, b: "x" }, "fr-FR")).toBe("1\u202f235 kWh, x, {c}");
    expect(fillTemplate("{a}", { a: 0.1234 }, "en-GB")).toBe("0.12");
  });

  it("shows instants in local time, booleans and lists in words, units translated", () => {
    const at = Date.UTC(2026, 2, 1, 9, 0); // during Ramadan 2026 Morocco is on GMT: 09:00 local
    expect(formatQuantity({ value: at, unit: "time" }, CATALOGUES.en, "Africa/Casablanca")).toBe(
      "1 Mar 2026, 09:00",
    );
    expect(formatQuantity({ value: true, unit: "" }, CATALOGUES.fr, "Africa/Casablanca")).toBe("oui");
    expect(formatQuantity({ value: ["S1_OPEN", "S2_SHORT"], unit: "" }, CATALOGUES.en, "UTC")).toBe(
      "S1_OPEN, S2_SHORT",
    );
    expect(formatQuantity({ value: 12, unit: "min" }, CATALOGUES.ar, "UTC")).toBe("12 دقيقة");
    expect(formatQuantity({ value: 54, unit: "%" }, CATALOGUES.fr, "UTC")).toBe("54 %");
    expect(formatSpan(26 * 3_600_000 + 5 * 60_000, CATALOGUES.fr)).toBe("1 j 2 h");
  });
});
