/**
 * Reports through the reports library (services/reports): `buildReport` reads the analytics job's
 * monthly results (the figures the dashboards and `jisr savings` show), `renderReport` writes CSV, XLSX or
 * PDF in French, Arabic or English. The same report as `jisr report`, over HTTP.
 */

import type { InstitutionsConfig } from "@jisr/analytics";
import type { Store } from "@jisr/core/store";
import { type AlertHistory, buildReport, CONTENT_TYPES, renderReport, reportFileName } from "@jisr/reports";
import type { ReportsPort } from "./port.js";

export interface LibraryReportsOptions {
  store: Store;
  institutions: InstitutionsConfig;
  /** The alert history (the alerting API's client), for the alerts raised and the mean time to resolve. */
  alerts?: AlertHistory;
  /** Bills recorded on the bills page or with `jisr bill`: the reports then reconcile them. */
  billsDir?: string;
  clock?: () => number;
}

export function libraryReports(o: LibraryReportsOptions): ReportsPort {
  return async (r) => {
    const report = await buildReport({
      store: o.store,
      period: r.period,
      institutions: o.institutions,
      now: (o.clock ?? Date.now)(),
      ...(r.institution ? { institution: r.institution } : {}),
      ...(o.alerts ? { alerts: o.alerts } : {}),
      ...(o.billsDir ? { bills: { dir: o.billsDir, institutions: o.institutions } } : {}),
    });
    return {
      body: await renderReport(report, r.format, r.lang),
      contentType: CONTENT_TYPES[r.format],
      filename: reportFileName(r.period, r.institution, r.lang, r.format),
    };
  };
}
