/**
 * @jisr/core, the light part every workspace shares: the reading model (`Point` and its checks), line
 * protocol both ways, errors and problem lists, config problems with line numbers, durations, local time
 * in Africa/Casablanca, `strictObject`, the API error body and `CliIo`. Its only packages are zod, yaml and
 * fastest-levenshtein.
 *
 * Heavier areas have their own entry (README "Public API"), so that importing this index never loads
 * better-sqlite3, the InfluxDB client or the solar model: `@jisr/core/store`, `@jisr/core/influx`,
 * `@jisr/core/inventory`, `@jisr/core/solar`, `@jisr/core/alert-texts`.
 */
export * from "./api-schemas.js";
export * from "./cli-io.js";
export * from "./config-problems.js";
export * from "./duration.js";
export * from "./errors.js";
export * from "./line-protocol.js";
export * from "./point.js";
export * from "./provisional.js";
export * from "./random.js";
export * from "./strict-object.js";
export * from "./time/local-time.js";
