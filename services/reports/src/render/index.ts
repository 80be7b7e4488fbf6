/** renderReport: a report as the bytes of a CSV, XLSX or PDF file, in French, Arabic or English. */
import { ERR } from "../errors.js";
import { CATALOGUES } from "../i18n/index.js";
import { LANGUAGES, type Lang } from "../i18n/types.js";
import type { Report } from "../model/types.js";
import { renderCsv } from "./csv.js";
import { renderPdf } from "./pdf/document.js";
import { renderXlsx } from "./xlsx.js";

export const REPORT_FORMATS = ["pdf", "xlsx", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: "application/pdf",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

/** Throws JISR_ERR_UNKNOWN_FORMAT or JISR_ERR_UNKNOWN_LANGUAGE for a value from outside (HTTP, CLI). */
export async function renderReport(report: Report, format: ReportFormat, lang: Lang): Promise<Buffer> {
  if (!(LANGUAGES as readonly string[]).includes(lang)) throw ERR.UNKNOWN_LANGUAGE(String(lang));
  const c = CATALOGUES[lang];
  switch (format) {
    case "csv":
      return renderCsv(report, c);
    case "xlsx":
      return renderXlsx(report, c);
    case "pdf":
      return renderPdf(report, c);
    default:
      throw ERR.UNKNOWN_FORMAT(String(format));
  }
}

/** jisr-report-2026-10-foyer-ben-guerir-fr.pdf, jisr-report-2026-Q4-programme-ar.xlsx */
export function reportFileName(
  period: string,
  institution: string | undefined,
  lang: Lang,
  format: ReportFormat,
): string {
  return `jisr-report-${period}-${institution ?? "programme"}-${lang}.${format}`;
}
