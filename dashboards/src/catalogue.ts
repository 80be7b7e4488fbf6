/**
 * Every dashboard Jisr ships, with the file it is written to in dashboards/grafana/ (which Grafana's file
 * provider loads, see provisioning/dashboards/jisr.yaml).
 */
import { fleetHealthDashboard } from "./fleet-health.js";
import { institutionDashboard } from "./institution.js";
import type { Dashboard } from "./model.js";
import { programmeDashboard } from "./programme.js";

export interface CatalogueEntry {
  file: string;
  build: () => Dashboard;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  { file: "programme.json", build: programmeDashboard },
  { file: "institution.json", build: institutionDashboard },
  { file: "fleet-health.json", build: fleetHealthDashboard },
];

/** The JSON as committed: two-space indent and a final newline, so diffs stay readable. */
export function render(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
