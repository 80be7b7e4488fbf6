/**
 * What the report endpoint needs: a report rendered to bytes. The default implementation
 * (reports/library.ts) builds it with the reports library (`buildReport` + `renderReport`), from the same
 * monthly results the dashboards and `jisr savings` read; embedders may pass their own.
 */
import type { ReportFormat } from "@jisr/reports";

export interface ReportRequest {
  /** "2026-10", "2026-Q4" or "2026". */
  period: string;
  /** One institution; the whole programme when absent. */
  institution?: string;
  format: ReportFormat;
  lang: "fr" | "ar" | "en";
}

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  filename: string;
}

export type ReportsPort = (request: ReportRequest) => Promise<RenderedReport>;
