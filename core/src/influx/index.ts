/**
 * @jisr/core/influx: the thin InfluxDB v1-API client (`/write`, `/query`, `/ping`), InfluxQL building
 * (tags always compared as `"key"::tag`), response parsing, HTTP error mapping and retries. Start reading
 * at influxql.ts, then client.ts.
 */
export * from "./client.js";
export * from "./http-errors.js";
export * from "./influxql.js";
export * from "./response.js";
export * from "./retry.js";
export * from "./server.js";
