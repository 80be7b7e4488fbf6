/**
 * The PDF: title, period and date; the programme's totals; a table by institution; each institution's
 * figures; the notes (incomplete data first). Arabic reports are laid out right to left, with shaped,
 * extractable Arabic (text.ts). A4 portrait, page numbers at the foot.
 */
import PDFDocument from "pdfkit";
import { formatNumber, formatPercent, institutionName, monthLabel } from "../../i18n/format.js";
import type { Catalogue } from "../../i18n/types.js";
import type { AlertFigures, Figures, InstitutionReport, Report } from "../../model/types.js";
import { generatedLine, hasAlerts, headerOf, notesOf, periodLine, titleOf } from "../content.js";
import { columnMetrics, displayValue, type Metric, metricsFor } from "../metrics.js";
import { reconciliationPdf } from "../reconciliation.js";
import { embeddableFonts } from "./fonts.js";
import { type Column, Layout, type TableRow } from "./layout.js";
import { PdfText } from "./text.js";

const RED = "#b00020";
const GREY = "#555555";

export async function renderPdf(report: Report, c: Catalogue): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 48, bottom: 48, left: 42, right: 42 },
    bufferPages: true,
    lang: c.lang,
    displayTitle: true,
    info: {
      Title: `${titleOf(report, c)} - ${report.period.label}`,
      Author: "Jisr Solar",
      CreationDate: new Date(report.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  // PDFKit takes a fontkit font where its types say file or buffer (PDFFontFactory.open: `src.layout`).
  for (const [name, font] of Object.entries(embeddableFonts()))
    doc.registerFont(name, font as unknown as Buffer);
  const layout = new Layout(doc, new PdfText(doc, c.dir));
  writeReport(layout, report, c);
  footers(layout, report);
  doc.end();
  return done;
}

function writeReport(layout: Layout, report: Report, c: Catalogue): void {
  const metrics = metricsFor(hasAlerts(report));
  layout.paragraph(titleOf(report, c), { size: 16, bold: true }, 2);
  layout.paragraph(periodLine(report, c), { size: 11 }, 0);
  layout.paragraph(generatedLine(report, c), { size: 9, color: GREY });
  if (report.scope.kind === "programme") {
    layout.heading(c.labels.programmeTotals, 13);
    figuresTable(layout, report.totals, report.totalAlerts, metrics, c, report.completenessThreshold);
    layout.heading(c.labels.byInstitution, 13);
    summaryTable(layout, report, metrics, c);
    for (const inst of report.institutions) {
      const name = institutionName(inst.name, c.lang);
      layout.heading(name === inst.id ? name : `${name} (${inst.id})`, 11);
      figuresTable(layout, inst.figures, inst.alerts, metrics, c, report.completenessThreshold);
    }
  } else {
    const inst = report.institutions[0] as InstitutionReport;
    figuresTable(layout, inst.figures, inst.alerts, metrics, c, report.completenessThreshold);
    if (inst.months.length > 1) {
      layout.heading(c.labels.byMonth, 13);
      monthsTable(layout, inst, metrics, c, report.completenessThreshold);
    }
  }
  reconciliationPdf(layout, report.reconciliation, c);
  notes(layout, report, c);
}

/** "12.345,68 MAD", "87,5 %", or the no-data mark. */
function formatValue(m: Metric, v: number | undefined, c: Catalogue, withUnit: boolean): string {
  if (v === undefined) return c.labels.noData;
  if (m.percent && withUnit) return formatPercent(displayValue(m, v), m.decimals, c);
  const text = formatNumber(displayValue(m, v), m.decimals, c);
  const unit = c.units[m.unit];
  return withUnit && unit ? `${text} ${unit}` : text;
}

/** Red for a completeness below the threshold. */
function colorOf(m: Metric, v: number | undefined, threshold: number): string | undefined {
  return m.percent === "share" && v !== undefined && v < threshold ? RED : undefined;
}

/** Two columns: what, and how much (with its unit). */
function figuresTable(
  layout: Layout,
  figures: Figures,
  alerts: AlertFigures | undefined,
  metrics: readonly Metric[],
  c: Catalogue,
  threshold: number,
): void {
  const columns: Column[] = [
    { header: "", share: 0.6, align: "start" },
    { header: "", share: 0.4, align: "end" },
  ];
  const rows: TableRow[] = metrics.map((m) => {
    const v = m.value(figures, alerts);
    return {
      cells: [c.metrics[m.key], formatValue(m, v, c, true)],
      colors: [undefined, colorOf(m, v, threshold)],
    };
  });
  layout.table(columns, rows);
}

/** The key figures, one row per institution and the total; units in the header. */
function summaryTable(layout: Layout, report: Report, metrics: readonly Metric[], c: Catalogue): void {
  const shown = columnMetrics(
    metrics.filter((m) => m.pdfSummary),
    report.institutions,
    { figures: report.totals },
  );
  const columns = keyColumns(c.labels.institution, shown, c);
  const rows: TableRow[] = report.institutions.map((i) =>
    keyRow(institutionName(i.name, c.lang), i.figures, shown, c, report.completenessThreshold),
  );
  rows.push({ ...keyRow(c.labels.total, report.totals, shown, c, report.completenessThreshold), bold: true });
  layout.table(columns, rows, 8);
}

function monthsTable(
  layout: Layout,
  inst: InstitutionReport,
  metrics: readonly Metric[],
  c: Catalogue,
  threshold: number,
): void {
  const shown = columnMetrics(
    metrics.filter((m) => m.pdfSummary),
    inst.months,
    { figures: inst.figures },
  );
  const rows = inst.months.map((m) => keyRow(monthLabel(m.month, c), m.figures, shown, c, threshold));
  rows.push({ ...keyRow(c.labels.total, inst.figures, shown, c, threshold), bold: true });
  layout.table(keyColumns(c.labels.month, shown, c), rows, 8);
}

function keyColumns(first: string, shown: readonly Metric[], c: Catalogue): Column[] {
  const rest = (1 - 0.24) / shown.length;
  return [
    { header: first, share: 0.24, align: "start" },
    ...shown.map((m): Column => ({ header: headerOf(m, c), share: rest, align: "end" })),
  ];
}

function keyRow(
  label: string,
  f: Figures,
  shown: readonly Metric[],
  c: Catalogue,
  threshold: number,
): TableRow {
  return {
    cells: [label, ...shown.map((m) => formatValue(m, m.value(f), c, false))],
    colors: [undefined, ...shown.map((m) => colorOf(m, m.value(f), threshold))],
  };
}

function notes(layout: Layout, report: Report, c: Catalogue): void {
  const list = notesOf(report, c);
  if (list.length === 0) return;
  layout.heading(c.labels.notes, 13);
  for (const note of list) layout.paragraph(`• ${note}`, { size: 9 });
}

/** "Jisr Solar · 2026-Q4 · 2 / 5" at the foot of every page. */
function footers(layout: Layout, report: Report): void {
  const { doc } = layout;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const text = `Jisr Solar · ${report.period.label} · ${i + 1} / ${range.count}`;
    const baseline = doc.page.height - doc.page.margins.bottom / 2;
    layout.text.draw(
      text,
      { x: layout.left, width: layout.width, baseline, align: "center" },
      {
        size: 8,
        color: GREY,
      },
    );
  }
}
