/**
 * The PDF read back by poppler (pdftotext, pdftoppm from Debian's poppler-utils): the text a reader
 * extracts, in logical order for Arabic, where lines sit on the page, and page images for a person to
 * look at (services/reports/test-output/, not committed).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../../../../../test/servers/ensure-packages.js";
import type { Report } from "../../model/types.js";
import { renderReport } from "../index.js";
import { fixtureReport } from "../testing/report.js";

const PDFTOTEXT = findBinary("pdftotext");
const PDFTOPPM = findBinary("pdftoppm");
const OUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
const A4_WIDTH = 595.28;
const MARGIN = 42;

/** The PDF's text as pdftotext gives it, without the direction marks it puts around right-to-left lines. */
function text(pdf: string, ...args: string[]): string {
  return execFileSync(PDFTOTEXT as string, [...args, pdf, "-"], { encoding: "utf8" }).replace(
    /[\u202A-\u202E]/g,
    "",
  );
}

interface Word {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
}

/** The words of page 1 with their boxes (pdftotext -bbox). */
function words(pdf: string): Word[] {
  const html = text(pdf, "-bbox", "-f", "1", "-l", "1");
  return [
    ...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g),
  ].map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), text: m[4] as string }));
}

async function write(report: Report, lang: "fr" | "ar" | "en", name: string): Promise<string> {
  const path = `${OUT}${name}.pdf`;
  writeFileSync(path, await renderReport(report, "pdf", lang));
  return path;
}

describe.skipIf(!PDFTOTEXT || !PDFTOPPM)(
  "PDF read back by poppler (skipped when pdftotext/pdftoppm are missing: install Debian's poppler-utils)",
  () => {
    let q4: Report;
    let fr: string;
    let ar: string;

    beforeAll(async () => {
      mkdirSync(OUT, { recursive: true });
      q4 = await fixtureReport();
      fr = await write(q4, "fr", "programme-2026-Q4-fr");
      ar = await write(q4, "ar", "programme-2026-Q4-ar");
    });

    it("holds the French title, period, figures, institutions and notes", () => {
      const t = text(fr);
      expect(t).toContain("Rapport d'économies du programme Jisr Solar");
      expect(t).toContain("Période : 4e trimestre 2026");
      expect(t).toMatch(/Économies totales\s+6\.581,14 MAD/);
      expect(t).toContain("Foyer pour personnes âgées, Ben Guerir (dar-a)");
      expect(t).toContain("Maison d'enfants, Skhour Rehamna : données complètes à 50 % seulement");
      expect(t).toContain("ghost ne figure pas dans le fichier des établissements");
    });

    it("extracts Arabic words in logical order, with the right letters", () => {
      const t = text(ar);
      for (const phrase of [
        "تقرير وفورات برنامج جسر للطاقة الشمسية",
        "الربع الرابع من سنة 2026",
        "مجاميع البرنامج",
        "حسب المؤسسة",
        "مجموع الوفورات",
        "دعم البوتان المتجنب",
        "الماء الساخن",
        "ابن جرير",
        "سخور الرحامنة",
        "البيانات مكتملة بنسبة",
      ]) {
        expect(t, phrase).toContain(phrase);
      }
      // What the font's shared glyphs would have given without ActualText (actual-text.ts). Poppler places
      // neutral punctuation by its own rules ("الفترة :الربع"), so the phrases above avoid it.
      expect(t).not.toContain("تقرتر");
      // Numbers stay whole and left to right.
      expect(t).toContain("6.581,14");
    });

    it("aligns Arabic lines on the right margin and French ones on the left", () => {
      // -bbox lists a word's characters as they sit on the page, left to right: Arabic ones reversed.
      const logical = (w: Word) =>
        /\p{Script=Arabic}/u.test(w.text) ? [...w.text].reverse().join("") : w.text;
      const titleAr = words(ar).find((w) => logical(w) === "تقرير");
      expect(titleAr?.xMax).toBeCloseTo(A4_WIDTH - MARGIN, 0);
      const titleFr = words(fr).find((w) => w.text === "Rapport");
      expect(titleFr?.xMin).toBeCloseTo(MARGIN, 0);
      // The first word of the Arabic title is its rightmost: the line reads right to left.
      const line = words(ar).filter((w) => Math.abs(w.yMin - (titleAr?.yMin ?? 0)) < 1);
      expect(line.sort((a, b) => b.xMax - a.xMax).map(logical)).toEqual([
        "تقرير",
        "وفورات",
        "برنامج",
        "جسر",
        "للطاقة",
        "الشمسية",
      ]);
    });

    it("gives one institution's months, in Arabic", async () => {
      const one = await write(await fixtureReport({ institution: "dar-a" }), "ar", "dar-a-2026-Q4-ar");
      const t = text(one);
      expect(t).toContain("جسر للطاقة الشمسية");
      expect(t).toContain("دار المسنين");
      expect(t).toContain("أكتوبر 2026");
      expect(t).toContain("نونبر 2026");
    });

    it("renders page images to look at", () => {
      for (const [pdf, name] of [
        [ar, "programme-2026-Q4-ar"],
        [fr, "programme-2026-Q4-fr"],
      ] as const) {
        execFileSync(PDFTOPPM as string, [
          "-r",
          "110",
          "-png",
          "-f",
          "1",
          "-l",
          "1",
          "-singlefile",
          pdf,
          `${OUT}${name}`,
        ]);
        expect(statSync(`${OUT}${name}.png`).size).toBeGreaterThan(20_000);
      }
    });
  },
);
