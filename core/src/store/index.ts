/**
 * @jisr/core/store: the one `Store` interface (types.ts) and its two implementations, InfluxDB
 * (influx-store.ts) and SQLite (sqlite-store.ts), with query checks (validate.ts), hourly statistics
 * (hour-stats.ts) and the pre-encoded write path ingestion uses (encoded.ts, field-types.ts). Start reading
 * at types.ts, then contract.ts (the suite both implementations pass).
 */
export * from "./encoded.js";
export * from "./field-types.js";
export * from "./hour-stats.js";
export * from "./hour-stats-of.js";
export * from "./influx-field-types.js";
export * from "./influx-store.js";
export * from "./kept-hour-stats.js";
export * from "./sqlite-store.js";
export * from "./types.js";
export * from "./validate.js";
