/**
 * Every dashboard Jisr ships, in French, Arabic and English, with the file it is written to in
 * dashboards/grafana/ (which Grafana's file provider loads, see provisioning/dashboards/jisr.yaml):
 * `<kind>.<lang>.json`, the three languages of a kind built by the same function.
 */
import { fleetHealthDashboard } from "./fleet-health.js";
import { LANGS, type Lang } from "./i18n.js";
import { institutionDashboard } from "./institution.js";
import type { Dashboard } from "./model.js";
import { programmeDashboard } from "./programme.js";

export interface CatalogueEntry {
  file: string;
  kind: string;
  lang: Lang;
  build: () => Dashboard;
}

const KINDS: ReadonlyArray<[string, (lang: Lang) => Dashboard]> = [
  ["programme", programmeDashboard],
  ["institution", institutionDashboard],
  ["fleet-health", fleetHealthDashboard],
];

export const CATALOGUE: readonly CatalogueEntry[] = KINDS.flatMap(([kind, build]) =>
  LANGS.map((lang) => ({ file: `${kind}.${lang}.json`, kind, lang, build: () => build(lang) })),
);

/** The JSON as committed: two-space indent and a final newline, so diffs stay readable. */
export function render(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
