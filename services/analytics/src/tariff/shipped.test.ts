/** Every shipped tariff file parses, passes the cross-field checks, matches the JSON Schema and bills. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bill } from "./bill.js";
import { tariffJsonSchema } from "./file-schema.js";
import { checkTariffFile } from "./load.js";
import { hours } from "./testing/fixtures.js";

const dir = fileURLToPath(new URL("../../tariffs/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

describe("shipped tariff files", () => {
  it("are the four expected ones", () => {
    expect(files.sort()).toEqual([
      "bt-professional.example.yaml",
      "bt-two-period.example.yaml",
      "mt-general.example.yaml",
      "srm-bt-domestic.yaml",
    ]);
  });

  const validate = new Ajv({ allErrors: true, strict: false }).compile(tariffJsonSchema());

  it("JSON Schema rejects what the loader rejects per field (a typo'd key, a wrong kind)", () => {
    const raw = parse(readFileSync(join(dir, "srm-bt-domestic.yaml"), "utf8"));
    expect(validate(raw)).toBe(true);
    expect(validate({ ...raw, kwh_decimal: 1 })).toBe(false);
    expect(validate({ ...raw, kind: "bt-domestik" })).toBe(false);
  });

  for (const file of files) {
    it(`${file} is valid, matches the JSON Schema and bills June 2026`, () => {
      const check = checkTariffFile(join(dir, file));
      expect(check.problems).toEqual([]);
      expect(check.ok).toBe(true);
      const raw = parse(readFileSync(join(dir, file), "utf8"));
      expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
      if (!check.tariff) throw new Error("no tariff");
      const june = bill(hours("2026-05-31T23:00:00Z", 300, 2), check.tariff, "2026-06");
      expect(june.kwh.total).toBe(600);
      expect(june.total.ttc).toBeGreaterThan(0);
    });
  }

  it("marks the examples as unconfirmed placeholders (confidence U), listed by the checker", () => {
    for (const file of files.filter((f) => f.includes(".example."))) {
      const notes = checkTariffFile(join(dir, file)).notes;
      expect(
        notes.some((n) => n.path === "energy.0" && n.message.includes("confidence U")),
        file,
      ).toBe(true);
    }
  });

  it("srm-bt-domestic holds DOMAIN.md's TTC grid and lists its third-party figures to confirm", () => {
    const check = checkTariffFile(join(dir, "srm-bt-domestic.yaml"));
    if (check.tariff?.kind !== "bt-domestic") throw new Error("not bt-domestic");
    const grid = check.tariff.energy[0];
    expect(grid?.progressive.map((b) => [b.up_to_kwh, b.price])).toEqual([
      [100, 0.901],
      [150, 1.0732],
    ]);
    expect(grid?.selective.map((b) => [b.up_to_kwh, b.price])).toEqual([
      [210, 1.0732],
      [310, 1.1676],
      [510, 1.3817],
      [undefined, 1.5958],
    ]);
    expect(check.tariff.vat.map((v) => [v.from, v.rate_pct])).toEqual([
      ["2017-01-01", 14],
      ["2024-01-01", 16],
      ["2025-01-01", 18],
      ["2026-01-01", 20],
    ]);
    expect(check.notes.map((n) => n.path)).toContain("energy.0.selective.0");
    expect(check.billableFrom).toBe("2025-01");
  });
});
