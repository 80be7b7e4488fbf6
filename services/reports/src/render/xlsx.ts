/**
 * XLSX (exceljs): a summary sheet (one row per institution and the programme's total, then the notes)
 * and one sheet per institution, month by month. Figures are numbers with a number format, not text, so
 * the ministry can add them up; percentages are stored as fractions with a "%" format. Arabic sheets are
 * right-to-left.
 */
import ExcelJS from "exceljs";
import { institutionName, monthLabel } from "../i18n/format.js";
import type { Catalogue, UnitKey } from "../i18n/types.js";
import type { InstitutionReport, Report } from "../model/types.js";
import { generatedLine, hasAlerts, headerOf, notesOf, periodLine, rowsOf, titleOf } from "./content.js";
import { type Metric, metricsFor } from "./metrics.js";
import { addReconciliationSheet } from "./reconciliation.js";

const NUMBER_FORMATS: Record<UnitKey, string> = {
  mad: "#,##0.00",
  kwh: "#,##0.0",
  kg: "#,##0.0",
  pct: "0.0%",
  days: "0",
  count: "0",
  hours: "0.0",
};

/** Rows 1-3 hold the title, the period and the date; row 4 is blank; the table's header is row 5. */
export const HEADER_ROW = 5;

export async function renderXlsx(report: Report, c: Catalogue): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Jisr Solar";
  workbook.created = new Date(report.generatedAt);
  workbook.modified = new Date(report.generatedAt);
  const metrics = metricsFor(hasAlerts(report));
  summarySheet(workbook, report, c, metrics);
  const names = new Set<string>([c.labels.summarySheet.toLowerCase()]);
  for (const inst of report.institutions) institutionSheet(workbook, report, inst, c, metrics, names);
  addReconciliationSheet(workbook, report.reconciliation, c);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet(workbook: ExcelJS.Workbook, name: string, c: Catalogue): ExcelJS.Worksheet {
  return workbook.addWorksheet(name, {
    views: [{ rightToLeft: c.dir === "rtl", state: "frozen", xSplit: 2, ySplit: HEADER_ROW }],
  });
}

/** The value to store: percentages as fractions (the "%" format multiplies by 100), else as is. */
function cellValue(m: Metric, v: number | undefined): number | null {
  if (v === undefined) return null;
  return m.percent === "pct" ? v / 100 : v;
}

function heading(sheet: ExcelJS.Worksheet, lines: [string, string, string]): void {
  sheet.getCell("A1").value = lines[0];
  sheet.getCell("A1").font = { bold: true, size: 14 };
  sheet.getCell("A2").value = lines[1];
  sheet.getCell("A3").value = lines[2];
}

function header(sheet: ExcelJS.Worksheet, labels: string[]): void {
  const row = sheet.getRow(HEADER_ROW);
  row.values = labels;
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: "top" };
}

function formatColumns(sheet: ExcelJS.Worksheet, metrics: readonly Metric[], first: number): void {
  metrics.forEach((m, i) => {
    const column = sheet.getColumn(first + i);
    column.numFmt = NUMBER_FORMATS[m.unit];
    column.width = 16;
  });
}

function summarySheet(
  workbook: ExcelJS.Workbook,
  report: Report,
  c: Catalogue,
  metrics: readonly Metric[],
): void {
  const sheet = addSheet(workbook, c.labels.summarySheet, c);
  heading(sheet, [titleOf(report, c), periodLine(report, c), generatedLine(report, c)]);
  header(sheet, [c.labels.id, c.labels.institution, ...metrics.map((m) => headerOf(m, c)), c.labels.warning]);
  sheet.getColumn(1).width = 24;
  sheet.getColumn(2).width = 40;
  formatColumns(sheet, metrics, 3);
  sheet.getColumn(3 + metrics.length).width = 22;
  for (const r of rowsOf(report, c)) {
    const row = sheet.addRow([
      r.id,
      r.name,
      ...metrics.map((m) => cellValue(m, m.value(r.figures, r.alerts))),
      r.lowCompleteness ? c.labels.incomplete : null,
    ]);
    if (r.total) row.font = { bold: true };
  }
  const notes = notesOf(report, c);
  if (notes.length === 0) return;
  sheet.addRow([]);
  sheet.addRow([c.labels.notes]).font = { bold: true };
  for (const note of notes) sheet.addRow([note]);
}

/** Excel's rules for a sheet name: at most 31 characters, none of \ / ? * [ ] :, unique ignoring case. */
export function sheetName(id: string, taken: Set<string>): string {
  const base = id.replace(/[\\/?*[\]:]/g, "_").slice(0, 31) || "_";
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++)
    name = `${base.slice(0, 31 - String(n).length - 1)}~${n}`;
  taken.add(name.toLowerCase());
  return name;
}

function institutionSheet(
  workbook: ExcelJS.Workbook,
  report: Report,
  inst: InstitutionReport,
  c: Catalogue,
  metrics: readonly Metric[],
  names: Set<string>,
): void {
  const sheet = addSheet(workbook, sheetName(inst.id, names), c);
  heading(sheet, [
    `${institutionName(inst.name, c.lang)} (${inst.id})`,
    periodLine(report, c),
    generatedLine(report, c),
  ]);
  header(sheet, [c.labels.month, c.labels.period, ...metrics.map((m) => headerOf(m, c))]);
  sheet.getColumn(1).width = 20;
  sheet.getColumn(2).width = 10;
  formatColumns(sheet, metrics, 3);
  for (const { month, figures } of inst.months) {
    // Alert figures exist for the whole period only, not month by month.
    const cells = metrics.map((m) => (m.fromAlerts ? null : cellValue(m, m.value(figures))));
    sheet.addRow([monthLabel(month, c), month, ...cells]);
  }
  const total = sheet.addRow([
    c.labels.total,
    report.period.label,
    ...metrics.map((m) => cellValue(m, m.value(inst.figures, inst.alerts))),
  ]);
  total.font = { bold: true };
}
