import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@jisr/core";
import { describe, expect, it } from "vitest";
import { checkTariffFile, checkTariffText, loadTariff } from "./load.js";
import { DOMESTIC_YAML, mtYaml } from "./testing/fixtures.js";

/** The problems of a tariff text that must fail, as "path: message (line N)" strings. */
function problems(text: string): string[] {
  const check = checkTariffText(text);
  expect(check.ok).toBe(false);
  return check.problems.map((p) => `${p.path}: ${p.message}${p.line ? ` (line ${p.line})` : ""}`);
}

describe("checkTariffFile explains mistakes by path and line", () => {
  it("accepts the fixtures and says from which month they can bill", () => {
    const check = checkTariffText(DOMESTIC_YAML);
    expect(check).toMatchObject({ ok: true, problems: [], notes: [], billableFrom: "2025-01" });
    expect(checkTariffText(mtYaml("gmt")).billableFrom).toBe("2017-01");
  });

  it("finds overlapping and unclosed brackets", () => {
    expect(problems(DOMESTIC_YAML.replace("up_to_kwh: 310", "up_to_kwh: 200"))).toEqual([
      "energy.0.selective.1.up_to_kwh: 200 overlaps the previous bracket, which ends at 210 kWh: edges must increase (line 19)",
    ]);
    expect(problems(DOMESTIC_YAML.replace("{ price: 1.5958 }", "{ up_to_kwh: 900, price: 1.5958 }"))).toEqual(
      [
        "energy.0.selective.3.up_to_kwh: must be omitted on the last bracket, so months above it still have a price (line 21)",
      ],
    );
    expect(problems(DOMESTIC_YAML.replace("{ up_to_kwh: 200, price: 0.1271 }", "{ price: 0.1271 }"))).toEqual(
      ["tppan.0.slices.1.up_to_kwh: is missing: only the last bracket may be open (no upper edge) (line 32)"],
    );
  });

  it("finds unsorted and impossible `from` dates", () => {
    expect(
      problems(DOMESTIC_YAML.replace('"2024-01-01", rate_pct: 16', '"2014-01-01", rate_pct: 16')),
    ).toEqual([
      "vat.1.from: 2014-01-01 is before the previous entry's 2017-01-01: sort the entries by `from` (line 8)",
    ]);
    expect(
      problems(DOMESTIC_YAML.replace('"2026-01-01", rate_pct: 20', '"2026-02-30", rate_pct: 20')),
    ).toEqual(["vat.3.from: is not a calendar date (line 10)"]);
  });

  it("finds period tables that do not cover 24 h once, and seasons that miss a month", () => {
    const mt = mtYaml("gmt");
    expect(
      problems(
        mt.replace(
          'period: peak, start: "17:00", end: "22:00"',
          'period: peak, start: "17:00", end: "21:00"',
        ),
      ),
    ).toEqual([
      "periods.0.seasons.0.windows: do not cover 21:00-22:00: the windows must cover 24 h (line 18)",
    ]);
    expect(
      problems(
        mt.replace(
          'period: full, start: "07:00", end: "18:00"',
          'period: full, start: "06:00", end: "18:00"',
        ),
      ),
    ).toEqual([
      "periods.0.seasons.1.windows: overlap on 06:00-07:00: each minute belongs to one period (line 24)",
    ]);
    expect(problems(mt.replace("months: [4, 5, 6, 7, 8, 9]", "months: [3, 5, 6, 7, 8, 9]"))).toEqual([
      "periods.0.seasons.1.months: month 3 is also in season 0 (line 22)",
      "periods.0.seasons: month(s) 4 belong to no season (line 15)",
    ]);
  });

  it("names unknown keys (typos), a wrong kind and missing tables", () => {
    expect(problems(DOMESTIC_YAML.replace("kind: bt-domestic", "kind: bt-domestic\nkwh_decimal: 1"))).toEqual(
      [
        "kwh_decimal: unknown key: did you mean `kwh_decimals`? (known keys are: kind, id, name, distributor, institution, " +
          "time_zone, kwh_decimals, vat, fixed_fees, tppan, export, energy) (line 5)",
      ],
    );
    expect(problems(DOMESTIC_YAML.replace("kind: bt-domestic", "kind: bt-domestik"))).toEqual([
      "kind: must be one of bt-domestic, bt-professional, bt-two-period, mt (line 4)",
    ]);
    expect(problems("id: x\nname: y\nkind: mt\n")).toEqual([
      "vat: is required (line 1)",
      "periods: is required (line 1)",
      "energy: is required (line 1)",
      "power_charge: is required (line 1)",
      "subscribed_power: is required (line 1)",
    ]);
  });

  it("reports YAML syntax errors and unreadable files instead of throwing", () => {
    expect(checkTariffText("id: x\n  kind: [").problems[0]).toMatchObject({ path: "(yaml)", line: 1 });
    expect(checkTariffFile("/nonexistent/tariff.yaml").problems).toEqual([
      { path: "(file)", message: "cannot read: no such file" },
    ]);
  });

  it("lists the figures tagged U or C as notes to confirm on a real bill", () => {
    const text = DOMESTIC_YAML.replace("{ price: 1.5958 }", "{ price: 1.5958, confidence: C }").replace(
      "basis: ttc",
      "basis: ttc\n    confidence: U",
    );
    const check = checkTariffText(text);
    expect(check.ok).toBe(true);
    expect(check.notes.map((n) => `${n.path} (line ${n.line}): ${n.message}`)).toEqual([
      "energy.0 (line 12): unverified placeholder (confidence U): confirm it on a real bill or the contract before trusting savings",
      "energy.0.selective.3 (line 22): third-party figure (confidence C): confirm it on a real bill",
    ]);
  });

  it("loadTariff throws every problem at once, with its line", () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-tariff-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      DOMESTIC_YAML.replace("up_to_kwh: 310", "up_to_kwh: 200").replace("rate_pct: 20", "rate_pct: 120"),
    );
    try {
      loadTariff(file);
      expect.unreachable("the tariff was accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toBe(
        `tariff ${file} is not valid:\n` +
          "  - vat.3.rate_pct: Too big: expected number to be <=100 (line 10)\n" +
          "  - energy.0.selective.1.up_to_kwh: 200 overlaps the previous bracket, which ends at 210 kWh: " +
          "edges must increase (line 19)",
      );
    }
  });
});
