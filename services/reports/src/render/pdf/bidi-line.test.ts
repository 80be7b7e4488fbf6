import { describe, expect, it } from "vitest";
import { visualRuns } from "./bidi-line.js";

const show = (text: string, dir: "ltr" | "rtl") => visualRuns(text, dir).map((r) => r.text);

describe("visualRuns", () => {
  it("leaves a left-to-right line as it is", () => {
    expect(show("Économies : 12.345,68 MAD", "ltr")).toEqual(["Économies : 12.345,68 MAD"]);
  });

  it("puts the first Arabic word at the right and keeps numbers left to right", () => {
    const runs = visualRuns("الطاقة 1.234,5 كيلوواط", "rtl");
    expect(runs.map((r) => r.text)).toEqual(["كيلوواط", " ", "1.234,5", " ", "الطاقة"]);
    // Arabic runs stay in logical order: fontkit shapes them (joining needs logical order) and reverses.
    expect(runs.map((r) => r.shaped)).toEqual([true, false, false, false, true]);
    expect(runs.map((r) => r.face)).toEqual(["arabic", "latin", "latin", "latin", "arabic"]);
  });

  it("mirrors and reverses right-to-left punctuation that fontkit would not reverse", () => {
    // Logical "الدعم (الدولة)": the closing parenthesis ends up at the left, drawn as "(".
    expect(show("الدعم (الدولة)", "rtl")).toEqual(["(", "الدولة", ") ", "الدعم"]);
  });

  it("keeps a Latin name inside Arabic in its own order", () => {
    expect(show("تقرير Jisr Solar", "rtl")).toEqual(["Jisr Solar", " ", "تقرير"]);
  });

  it("drops the directional marks Intl puts in Arabic percentages, after using them", () => {
    const percent = new Intl.NumberFormat("ar-MA", { style: "percent", maximumFractionDigits: 1 }).format(
      0.875,
    );
    expect(percent).toMatch(/[\u200E\u200F]/);
    // The marks keep the sign with its number, left to right: "87,5%".
    expect(show(`نسبة ${percent}`, "rtl").join("")).toBe("87,5% نسبة");
  });
});
