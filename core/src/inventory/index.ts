/** The inventory: one description of each institution (schema.ts), checked (check.ts), and derived
 * into each service's own config (derive-*.ts). */
export * from "./check.js";
export * from "./derive-alerting.js";
export * from "./derive-analytics.js";
export * from "./derive-gateway.js";
export * from "./derive-web.js";
export * from "./load.js";
export * from "./schema.js";
