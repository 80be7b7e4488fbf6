/**
 * The daily Legionella check, rule by rule (defaults: ≥ 55 °C all day, or 60 °C for 60 min, 65 °C for
 * 4 min, 70 °C for 2 min, consecutive minutes within the local day), and scald-risk minutes (> 44 °C).
 */
import { describe, expect, it } from "vitest";
import { hotWaterDaily } from "./daily.js";
import { hotWaterSettingsSchema } from "./settings-schema.js";
import { at, constant, profile, TZ } from "./testing/fixtures.js";

const settings = hotWaterSettingsSchema.parse({});
const DAY = "2026-06-10";

/** The day's check on an outlet at 50 °C with one hot spell [from, to) local at `c` °C. */
function withSpell(from: string, to: string, c: number) {
  const outlet = profile(DAY, [
    ["00:00", 50],
    [from, c],
    [to, 50],
  ]);
  return hotWaterDaily({ hotWater: { outlet_temperature_c: outlet } }, settings, DAY, TZ);
}

const verdicts = (r: ReturnType<typeof withSpell>) =>
  Object.fromEntries((r.detail.systems[0]?.hygiene.rules ?? []).map((x) => [x.rule, x.verdict]));

describe("daily hygiene check", () => {
  it("passes at ≥ 55 °C all day (55.0 included)", () => {
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: constant(DAY, 55) } }, settings, DAY, TZ);
    expect(r.fields.hygiene_ok).toBe(true);
    expect(verdicts(r)).toEqual({
      "all day ≥ 55 °C": "pass",
      "60 °C for 60 min": "fail",
      "65 °C for 4 min": "fail",
      "70 °C for 2 min": "fail",
    });
  });

  it("passes with 60 °C held 60 minutes, fails with 59", () => {
    // 50 °C all day (below 55: the all-day rule fails); 60.0 °C from 13:00.
    expect(withSpell("13:00", "14:00", 60).fields.hygiene_ok).toBe(true);
    expect(verdicts(withSpell("13:00", "14:00", 60))["60 °C for 60 min"]).toBe("pass");
    expect(withSpell("13:00", "13:59", 60).fields.hygiene_ok).toBe(false);
    expect(withSpell("13:00", "13:59", 60).detail.systems[0]?.hygiene.rules[1]?.longestRunMinutes).toBe(59);
  });

  it("passes with 65 °C held 4 minutes, fails with 3", () => {
    expect(withSpell("15:00", "15:04", 65).fields.hygiene_ok).toBe(true);
    expect(verdicts(withSpell("15:00", "15:04", 65))["65 °C for 4 min"]).toBe("pass");
    expect(withSpell("15:00", "15:03", 65).fields.hygiene_ok).toBe(false);
  });

  it("passes with 70 °C held 2 minutes, fails with 1", () => {
    const pass = withSpell("15:00", "15:02", 70);
    expect(pass.fields.hygiene_ok).toBe(true);
    // 70 °C is also ≥ 65 °C, but only for 2 minutes: that rule alone fails.
    expect(verdicts(pass)).toMatchObject({ "65 °C for 4 min": "fail", "70 °C for 2 min": "pass" });
    expect(withSpell("15:00", "15:01", 70).fields.hygiene_ok).toBe(false);
  });

  it("is unknown, and omitted, when missing data could change the answer", () => {
    // 56 °C all day but no readings 03:00-04:00: the all-day rule cannot pass or fail.
    const gap = profile(DAY, [
      ["00:00", 56],
      ["03:00", undefined],
      ["04:00", 56],
    ]);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: gap } }, settings, DAY, TZ);
    expect(r.detail.systems[0]?.hygiene.verdict).toBe("unknown");
    expect(r.fields).not.toHaveProperty("hygiene_ok");
    // 50 °C, 61 °C for 40 min right before a gap: the 60-min rule might have passed in the gap.
    const spell = profile(DAY, [
      ["00:00", 50],
      ["12:00", 61],
      ["12:40", undefined],
      ["14:00", 50],
    ]);
    const s = hotWaterDaily({ hotWater: { outlet_temperature_c: spell } }, settings, DAY, TZ);
    expect(verdicts(s)).toMatchObject({ "all day ≥ 55 °C": "fail", "60 °C for 60 min": "unknown" });
    expect(s.fields).not.toHaveProperty("hygiene_ok");
  });

  it("fails despite a gap when the known minutes already rule every option out", () => {
    // 50 °C, no readings from 06:00 to 06:05; the 05:59 reading holds to 06:03 (5 min), so only 06:04 is
    // unknown: 1 minute (in the morning window). A 60-min run at 60 °C cannot fit in one unknown minute,
    // nor 4 min at 65 °C or 2 min at 70 °C; and 50 °C fails "all day".
    const outlet = profile(DAY, [
      ["00:00", 50],
      ["06:00", undefined],
      ["06:05", 50],
    ]);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: outlet } }, settings, DAY, TZ);
    expect(r.fields.unknown_minutes).toBe(1);
    expect(r.fields.hygiene_ok).toBe(false);
  });

  it("can read another tank field than the outlet", () => {
    const s = hotWaterSettingsSchema.parse({ hygiene: { field: "tank_top_temperature_c" } });
    const r = hotWaterDaily(
      { hotWater: { outlet_temperature_c: constant(DAY, 50), tank_top_temperature_c: constant(DAY, 58) } },
      s,
      DAY,
      TZ,
    );
    expect(r.fields.hygiene_ok).toBe(true);
  });
});

describe("scald risk", () => {
  it("counts minutes with the mixed outlet ABOVE 44 °C", () => {
    // 42 °C; 44.0 °C from 06:30 to 06:40 (not above: 0 min); 46 °C from 07:10 to 07:25 (15 min);
    // 44.1 °C from 19:00 to 19:02 (2 min). Total 17 minutes.
    const mixed = profile(DAY, [
      ["00:00", 42],
      ["06:30", 44],
      ["06:40", 42],
      ["07:10", 46],
      ["07:25", 42],
      ["19:00", 44.1],
      ["19:02", 42],
    ]);
    const r = hotWaterDaily({ hotWater: { mixed_outlet_temperature_c: mixed } }, settings, DAY, TZ);
    expect(r.fields.scald_risk_minutes).toBe(17);
    expect(r.detail.systems[0]?.scald?.intervals).toEqual([
      { start: at(DAY, "07:10"), end: at(DAY, "07:25"), minutes: 15 },
      { start: at(DAY, "19:00"), end: at(DAY, "19:02"), minutes: 2 },
    ]);
  });

  it("uses the configured threshold, and is omitted without a mixed outlet", () => {
    const frail = hotWaterSettingsSchema.parse({ scald: { thresholdC: 43 } });
    const mixed = profile(DAY, [
      ["00:00", 42],
      ["08:00", 43.5],
      ["08:30", 42],
    ]);
    expect(
      hotWaterDaily({ hotWater: { mixed_outlet_temperature_c: mixed } }, frail, DAY, TZ).fields
        .scald_risk_minutes,
    ).toBe(30);
    const r = hotWaterDaily({ hotWater: { outlet_temperature_c: constant(DAY, 60) } }, settings, DAY, TZ);
    expect(r.fields).not.toHaveProperty("scald_risk_minutes");
  });
});
