import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../model/types.js";
import { renderReport } from "./index.js";
import { fixtureReport } from "./testing/report.js";
import { HEADER_ROW, sheetName } from "./xlsx.js";

let q4: Report;

async function readBack(lang: "fr" | "ar" | "en"): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type; Node's is what it takes at run time.
  await workbook.xlsx.load((await renderReport(q4, "xlsx", lang)) as unknown as ExcelJS.Buffer);
  return workbook;
}

/** The row's values by header, for the table of a sheet. */
function rowByHeader(sheet: ExcelJS.Worksheet, rowNumber: number): Record<string, unknown> {
  const header = sheet.getRow(HEADER_ROW).values as unknown[];
  const values = sheet.getRow(rowNumber).values as unknown[];
  return Object.fromEntries(
    header.map((h, i) => [String(h), values[i] ?? null]).filter(([h]) => h !== "undefined"),
  );
}

beforeAll(async () => {
  q4 = await fixtureReport();
});

describe("XLSX", () => {
  it("has a summary sheet and one sheet per institution", async () => {
    const wb = await readBack("fr");
    expect(wb.worksheets.map((s) => s.name)).toEqual(["Synthèse", "dar-a", "dar-b", "ghost"]);
    const summary = wb.getWorksheet("Synthèse") as ExcelJS.Worksheet;
    expect(summary.getCell("A1").value).toBe("Rapport d'économies du programme Jisr Solar");
    expect(summary.getCell("A2").value).toBe("Période : 4e trimestre 2026");
  });

  it("stores figures as numbers with number formats, percentages as fractions", async () => {
    const summary = (await readBack("fr")).getWorksheet("Synthèse") as ExcelJS.Worksheet;
    const darA = rowByHeader(summary, HEADER_ROW + 1);
    expect(darA.Identifiant).toBe("dar-a");
    expect(darA["Économies totales (MAD)"]).toBe(5540.62);
    expect(darA["Production photovoltaïque (kWh)"]).toBe(3000);
    expect(darA["Disponibilité de l'eau chaude (%)"]).toBe(0.8);
    expect(darA["Complétude des données énergie (%)"]).toBeCloseTo(90.5 / 92, 12);
    const total = rowByHeader(summary, HEADER_ROW + 4);
    expect(total.Établissement).toBe("Total");
    expect(total["Économies totales (MAD)"]).toBe(6581.14);
    expect(total["Subvention butane évitée (État) (MAD)"]).toBe(1396.05);
    expect(total.Avertissement).toBe("données incomplètes");
    // A figure that could not be computed is an empty cell, not 0.
    expect(rowByHeader(summary, HEADER_ROW + 2)["Économies eau chaude (MAD)"]).toBeNull();
    expect(summary.getCell(HEADER_ROW + 1, 4).numFmt).toBe("#,##0.00");
    expect(summary.getCell(HEADER_ROW + 1, 13).numFmt).toBe("0.0%"); // availability
  });

  it("lists the notes under the table", async () => {
    const summary = (await readBack("fr")).getWorksheet("Synthèse") as ExcelJS.Worksheet;
    const texts: string[] = [];
    summary.eachRow((row) => texts.push(String(row.getCell(1).value)));
    expect(texts).toContain("Remarques");
    // Intl writes French percentages with a no-break space.
    const note =
      "Maison d'enfants, Skhour Rehamna : données complètes à 50 % seulement (seuil 90 %) ; ses chiffres";
    expect(texts.some((t) => t.replaceAll("\u00A0", " ").startsWith(note))).toBe(true);
  });

  it("gives each institution its months and its total", async () => {
    const sheet = (await readBack("fr")).getWorksheet("dar-a") as ExcelJS.Worksheet;
    expect(sheet.getCell("A1").value).toBe("Foyer pour personnes âgées, Ben Guerir (dar-a)");
    const months = [1, 2, 3, 4].map((n) => rowByHeader(sheet, HEADER_ROW + n));
    expect(months.map((m) => [m.Mois, m["Économies d'électricité (MAD)"]])).toEqual([
      ["octobre 2026", 1234.56],
      ["novembre 2026", 1100.1],
      ["décembre 2026", 1000.01],
      ["Total", 3334.67],
    ]);
    expect(months[3]?.["Alertes déclenchées"]).toBe(1);
  });

  it("lays Arabic sheets out right to left, and only those", async () => {
    const ar = await readBack("ar");
    expect(ar.worksheets.map((s) => s.views[0]?.rightToLeft)).toEqual([true, true, true, true]);
    expect(ar.worksheets[0]?.name).toBe("ملخص");
    expect(rowByHeader(ar.worksheets[0] as ExcelJS.Worksheet, HEADER_ROW + 1).المؤسسة).toBe(
      "دار المسنين، ابن جرير",
    );
    const fr = await readBack("fr");
    expect(fr.worksheets.map((s) => s.views[0]?.rightToLeft)).toEqual([false, false, false, false]);
  });

  it("makes sheet names Excel accepts", () => {
    const taken = new Set<string>(["synthèse"]);
    expect(sheetName("a/b:c", taken)).toBe("a_b_c");
    expect(sheetName("x".repeat(40), taken)).toBe("x".repeat(31));
    expect(sheetName("X".repeat(40), taken)).toBe(`${"X".repeat(29)}~2`);
  });
});
