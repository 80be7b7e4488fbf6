/**
 * @jisr/dashboards: the Grafana dashboards as TypeScript builders (one per kind, taking the language),
 * their model, the checks that keep them honest without a Grafana server, and the writer of
 * dashboards/grafana/*.json. The reports compare their figures with these dashboards' queries.
 */
export { OUTPUT_DIR, writeDashboards } from "./build.js";
export { CATALOGUE, type CatalogueEntry, render } from "./catalogue.js";
export { checkDashboard } from "./checks.js";
export { fleetHealthDashboard } from "./fleet-health.js";
export { institutionDashboard } from "./institution.js";
export type { Dashboard, InfluxTarget, Panel } from "./model.js";
export { programmeDashboard } from "./programme.js";
