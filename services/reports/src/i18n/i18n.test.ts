import { describe, expect, it } from "vitest";
import { CATALOGUES } from "./index.js";
import { LANGUAGES, METRIC_KEYS } from "./types.js";

/** Every key path of an object, with its value (functions called with sample arguments). */
function leaves(value: unknown, path = ""): Array<[string, unknown]> {
  if (typeof value === "function") return [[path, (value as (...a: unknown[]) => unknown)("X", "Y", "Z")]];
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [[path, value]];
}

describe("report catalogues", () => {
  it("hold the same keys in French, Arabic and English", () => {
    const keys = LANGUAGES.map((l) =>
      leaves(CATALOGUES[l])
        .map(([k]) => k)
        .sort(),
    );
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
  });

  it("name every metric and leave no text empty (units of counts excepted)", () => {
    for (const lang of LANGUAGES) {
      expect(Object.keys(CATALOGUES[lang].metrics).sort()).toEqual([...METRIC_KEYS].sort());
      for (const [key, text] of leaves(CATALOGUES[lang])) {
        if (key === "units.count") continue;
        expect(typeof text === "string" && text.trim().length > 0, `${lang}: ${key}`).toBe(true);
      }
    }
  });

  it("write Arabic in Arabic, right to left", () => {
    expect(CATALOGUES.ar.dir).toBe("rtl");
    for (const [key, text] of leaves(CATALOGUES.ar.metrics)) expect(text, key).toMatch(/\p{Script=Arabic}/u);
  });

  it("name quarters as each language does", () => {
    expect(CATALOGUES.fr.quarter(1, 2026)).toBe("1er trimestre 2026");
    expect(CATALOGUES.fr.quarter(4, 2026)).toBe("4e trimestre 2026");
    expect(CATALOGUES.ar.quarter(4, 2026)).toBe("الربع الرابع من سنة 2026");
    expect(CATALOGUES.en.quarter(4, 2026)).toBe("Q4 2026");
  });
});
