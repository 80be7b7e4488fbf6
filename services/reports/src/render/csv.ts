/**
 * CSV: one row per institution and the programme's total, for a spreadsheet. UTF-8 with a byte-order
 * mark (without it Excel reads UTF-8 as the system's code page and mangles Arabic and accents), CRLF line
 * ends (RFC 4180). French and Arabic use a decimal comma, so their fields are separated by ";" as Excel
 * expects in those locales; English uses "." and ",". Numbers are plain (no grouping, fixed decimals)
 * so they stay numbers; percentages are 0..100; an empty cell is a figure that could not be computed.
 */
import { plainNumber } from "../i18n/format.js";
import type { Catalogue } from "../i18n/types.js";
import type { Report } from "../model/types.js";
import { hasAlerts, headerOf, rowsOf } from "./content.js";
import { columnMetrics, displayValue, metricsFor } from "./metrics.js";
import { reconciliationRows } from "./reconciliation.js";

export const BOM = "\uFEFF";

export function csvSeparator(c: Catalogue): ";" | "," {
  return c.decimal === "," ? ";" : ",";
}

export function renderCsv(report: Report, c: Catalogue): Buffer {
  const sep = csvSeparator(c);
  const all = rowsOf(report, c);
  const total = all.find((r) => r.total);
  // With a total row, each column shows the decimals that make its rows add up to it.
  const metrics = total
    ? columnMetrics(
        metricsFor(hasAlerts(report)),
        all.filter((r) => !r.total),
        total,
      )
    : metricsFor(hasAlerts(report));
  const header = [
    c.labels.period,
    c.labels.id,
    c.labels.institution,
    ...metrics.map((m) => headerOf(m, c)),
    c.labels.warning,
  ];
  const lines = [header];
  for (const row of all) {
    const cells = metrics.map((m) => {
      const v = m.value(row.figures, row.alerts);
      return v === undefined ? "" : plainNumber(displayValue(m, v), m.decimals, c);
    });
    lines.push([
      report.period.label,
      row.id,
      row.name,
      ...cells,
      row.lowCompleteness ? c.labels.incomplete : "",
    ]);
  }
  // The bills section, when the report has one: a blank row, then its own header and rows.
  const bills = reconciliationRows(report.reconciliation, c);
  if (bills.length > 0) lines.push([], ...bills);
  const text = lines.map((cells) => cells.map((cell) => quote(cell, sep)).join(sep)).join("\r\n");
  return Buffer.from(`${BOM}${text}\r\n`, "utf8");
}

/** RFC 4180: a field holding the separator, a quote or a line break is quoted, its quotes doubled. */
function quote(field: string, sep: string): string {
  return field.includes(sep) || /["\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
