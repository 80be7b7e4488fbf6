/**
 * The bill reconciliation section in the CSV (rows after the main table) and the XLSX (its own sheet).
 * Its words live here, in the three languages, so that the report catalogues are not touched for it.
 */
import type ExcelJS from "exceljs";
import { plainNumber } from "../i18n/format.js";
import type { Catalogue, Lang } from "../i18n/types.js";
import type { ReconciliationSection } from "../model/reconciliation.js";
import type { Column, Layout, TableRow } from "./pdf/layout.js";

const WORDS: Record<Lang, Record<string, string>> = {
  fr: {
    title: "Rapprochement des factures (période de relevé)",
    sheet: "Factures",
    institution: "Établissement",
    bill: "Facture",
    from: "Du",
    to: "Au",
    days: "Jours",
    estimated: "Estimé",
    billedKwh: "kWh facturés",
    meteredKwh: "kWh mesurés",
    diffKwh: "Écart kWh",
    billedTtc: "Facturé TTC",
    predictedTtc: "Notre tarif TTC",
    diffTtc: "Écart MAD",
    flags: "Signalements",
    savings: "Économie IPMVP-B",
    low: "Bas",
    high: "Haut",
    marks: "Mentions",
    method: "Méthode",
    boundary: "Périmètre",
    meters: "Compteurs",
    assumptions: "Hypothèses",
    tariff: "Tarif",
    confirmed: "confirmé par les factures",
    unconfirmed: "NON confirmé",
    yes: "oui",
  },
  ar: {
    title: "مطابقة الفواتير (فترة القراءة)",
    sheet: "الفواتير",
    institution: "المؤسسة",
    bill: "الفاتورة",
    from: "من",
    to: "إلى",
    days: "الأيام",
    estimated: "تقديرية",
    billedKwh: "كيلوواط ساعة مفوترة",
    meteredKwh: "كيلوواط ساعة مقيسة",
    diffKwh: "فرق الكيلوواط ساعة",
    billedTtc: "المفوتر",
    predictedTtc: "تعريفتنا",
    diffTtc: "الفرق بالدرهم",
    flags: "تنبيهات",
    savings: "التوفير IPMVP-B",
    low: "الأدنى",
    high: "الأعلى",
    marks: "ملاحظات",
    method: "المنهجية",
    boundary: "حدود القياس",
    meters: "العدادات",
    assumptions: "الفرضيات",
    tariff: "التعريفة",
    confirmed: "مؤكدة بالفواتير",
    unconfirmed: "غير مؤكدة",
    yes: "نعم",
  },
  en: {
    title: "Bill reconciliation (reading periods)",
    sheet: "Bills",
    institution: "Institution",
    bill: "Bill",
    from: "From",
    to: "To",
    days: "Days",
    estimated: "Estimated",
    billedKwh: "Billed kWh",
    meteredKwh: "Metered kWh",
    diffKwh: "kWh difference",
    billedTtc: "Billed incl. VAT",
    predictedTtc: "Our tariff incl. VAT",
    diffTtc: "MAD difference",
    flags: "Flags",
    savings: "IPMVP-B saving",
    low: "Low",
    high: "High",
    marks: "Marks",
    method: "Method",
    boundary: "Boundary",
    meters: "Meters",
    assumptions: "Assumptions",
    tariff: "Tariff",
    confirmed: "confirmed by the bills",
    unconfirmed: "NOT confirmed",
    yes: "yes",
  },
};

/** A cell: text, a number with its decimals (kept a number in the XLSX), or empty. */
export type SectionCell = string | { value: number; decimals: number } | null;

/** The section as table rows, header first, then notes; empty without bills. */
export function reconciliationCells(
  section: ReconciliationSection | undefined,
  c: Catalogue,
): SectionCell[][] {
  if (!section || section.rows.length === 0) return [];
  const w = WORDS[c.lang];
  const n = (x: number | null | undefined, decimals = 2): SectionCell =>
    x === undefined || x === null ? null : { value: x, decimals };
  const out: SectionCell[][] = [[w.title as string]];
  out.push(
    [
      "institution",
      "bill",
      "from",
      "to",
      "days",
      "estimated",
      "billedKwh",
      "meteredKwh",
      "diffKwh",
      "billedTtc",
      "predictedTtc",
      "diffTtc",
      "savings",
      "low",
      "high",
      "flags",
      "marks",
    ].map((k) => w[k] as string),
  );
  for (const r of section.rows)
    out.push([
      r.institution,
      r.reference ?? r.billId,
      r.from,
      r.to,
      n(r.days, 0),
      r.estimated ? (w.yes as string) : null,
      n(r.billedKwh, 0),
      n(r.meteredKwh, 0),
      n(r.diffKwh, 0),
      n(r.billedTtc),
      n(r.predictedTtc),
      n(r.diffTtc),
      n(r.savingsTtc),
      n(r.band?.low),
      n(r.band?.high),
      r.flags.map((f) => `${f.code}: ${f.message}`).join(" | "),
      r.savingsMarks.join(" | "),
    ]);
  const text = (x: number) => plainNumber(x, 2, c);
  for (const i of section.institutions)
    out.push([
      `${w.tariff} ${i.institution}`,
      `${i.tariff} (${i.tariffConfirmed ? w.confirmed : w.unconfirmed})`,
      `${w.savings}: ${text(i.savingsTtc)} [${text(i.band.low)} ; ${text(i.band.high)}]`,
    ]);
  out.push([w.method as string, section.method]);
  out.push([w.boundary as string, section.boundary]);
  for (const m of section.meters)
    out.push([w.meters as string, m.institution, m.role, m.devices.join(" "), `±${m.accuracyClassPct} %`]);
  out.push([w.assumptions as string, section.assumptions.join(" ; ")]);
  return out;
}

/** The same rows as CSV text cells (plain numbers in the catalogue's decimal mark). */
export function reconciliationRows(section: ReconciliationSection | undefined, c: Catalogue): string[][] {
  return reconciliationCells(section, c).map((row) =>
    row.map((cell) =>
      cell === null ? "" : typeof cell === "string" ? cell : plainNumber(cell.value, cell.decimals, c),
    ),
  );
}

/** A sheet of its own in the XLSX, right to left in Arabic. */
export function addReconciliationSheet(
  workbook: ExcelJS.Workbook,
  section: ReconciliationSection | undefined,
  c: Catalogue,
): void {
  const rows = reconciliationCells(section, c);
  if (rows.length === 0) return;
  const sheet = workbook.addWorksheet(WORDS[c.lang].sheet as string, {
    views: [{ rightToLeft: c.dir === "rtl" }],
  });
  // Figures stay numbers with a number format, as on the other sheets, so they can be added up.
  for (const cells of rows) {
    const row = sheet.addRow(
      cells.map((cell) => (cell !== null && typeof cell === "object" ? cell.value : cell)),
    );
    cells.forEach((cell, i) => {
      if (cell !== null && typeof cell === "object")
        row.getCell(i + 1).numFmt = cell.decimals === 0 ? "#,##0" : "#,##0.00";
    });
  }
  sheet.getRow(1).font = { bold: true, size: 13 };
  sheet.getRow(2).font = { bold: true };
}

/** The section in the PDF: a table of the bills, then each bill's flags, the method and its assumptions. */
export function reconciliationPdf(
  layout: Layout,
  section: ReconciliationSection | undefined,
  c: Catalogue,
): void {
  if (!section || section.rows.length === 0) return;
  const w = WORDS[c.lang];
  const n = (x: number | null | undefined, d = 2) =>
    x === undefined || x === null ? "—" : plainNumber(x, d, c);
  layout.heading(w.title as string, 13);
  const keys = [
    "institution",
    "from",
    "to",
    "billedKwh",
    "meteredKwh",
    "billedTtc",
    "predictedTtc",
    "diffTtc",
    "savings",
  ];
  const columns: Column[] = keys.map((k, i) => ({
    header: w[k] as string,
    share: i === 0 ? 0.2 : 0.1,
    align: i < 3 ? "start" : "end",
  }));
  const rows: TableRow[] = section.rows.map((r) => ({
    cells: [
      r.institution,
      r.from,
      r.to,
      n(r.billedKwh, 0),
      n(r.meteredKwh, 0),
      n(r.billedTtc),
      n(r.predictedTtc),
      n(r.diffTtc),
      n(r.savingsTtc),
    ],
  }));
  layout.table(columns, rows, 8);
  for (const r of section.rows) {
    for (const f of r.flags)
      layout.paragraph(`• ${r.institution} ${r.from}: ${f.code}: ${f.message}`, { size: 8 });
    for (const m of r.savingsMarks) layout.paragraph(`• ${r.institution} ${r.from}: ${m}`, { size: 8 });
  }
  for (const i of section.institutions)
    layout.paragraph(
      `${w.tariff} ${i.institution}: ${i.tariff} (${i.tariffConfirmed ? w.confirmed : w.unconfirmed}); ${w.savings} ${n(i.savingsTtc)} [${n(i.band.low)} ; ${n(i.band.high)}]`,
      { size: 9 },
    );
  layout.paragraph(`${w.method}: ${section.method}`, { size: 8 });
  layout.paragraph(`${w.boundary}: ${section.boundary}`, { size: 8 });
  for (const m of section.meters)
    layout.paragraph(
      `${w.meters}: ${m.institution}, ${m.role}: ${m.devices.join(", ")} ±${m.accuracyClassPct} %`,
      {
        size: 8,
      },
    );
  layout.paragraph(`${w.assumptions}: ${section.assumptions.join(" ; ")}`, { size: 8 });
}
