/** The notes a report prints for the ministry: a provisional CO2 factor reads neutral, in each language. */
import { describe, expect, it } from "vitest";
import { CATALOGUES } from "../i18n/index.js";
import type { Report } from "../model/types.js";
import { isProvisional, notesOf } from "./content.js";
import { fixtureReport } from "./testing/report.js";

const DEVELOPER_TEXT =
  "U: placeholder, not in DOMAIN.md. Confirm with ONEE/AMEE or the UNFCCC grid emission factor for Morocco before reporting.";

describe("the CO2 factor's note", () => {
  it("tells a provisional factor by the configuration's tags U and C only", () => {
    expect(isProvisional(DEVELOPER_TEXT)).toBe(true);
    expect(isProvisional("C: forum post, confirm it")).toBe(true);
    expect(isProvisional("ONEE, rapport annuel 2025")).toBe(false);
    expect(isProvisional("Unfccc 2024 harmonised factor")).toBe(false);
  });

  it("says 'provisional' in the report's language, never the configuration's comment", async () => {
    const base = await fixtureReport({ period: "2026-10" });
    const report: Report = { ...base, co2Sources: [DEVELOPER_TEXT] };
    const fr = notesOf(report, CATALOGUES.fr);
    expect(fr).toContain(
      "Facteur d'émission CO2 provisoire, en attente de la valeur officielle : le CO2 évité est une estimation.",
    );
    expect(notesOf(report, CATALOGUES.ar)).toContain(CATALOGUES.ar.notes.co2Provisional);
    expect(notesOf(report, CATALOGUES.en)).toContain(CATALOGUES.en.notes.co2Provisional);
    for (const lang of ["fr", "ar", "en"] as const) {
      const text = notesOf(report, CATALOGUES[lang]).join("\n");
      expect(text).not.toMatch(/placeholder|DOMAIN\.md|ONEE|Confirm/);
    }
  });

  it("cites a confirmed factor's source", async () => {
    const base = await fixtureReport({ period: "2026-10" });
    const report: Report = { ...base, co2Sources: ["ONEE, rapport annuel 2025"] };
    expect(notesOf(report, CATALOGUES.fr)).toContain("Facteur d'émission CO2 : ONEE, rapport annuel 2025");
    expect(notesOf(report, CATALOGUES.fr).join("\n")).not.toContain("provisoire");
  });
});
