export { JisrError } from "@jisr/core/errors";
export { addToken, generateToken, hashToken, readTokensFile, writeTokensFile } from "@jisr/service-kit";
export { type AppOptions, buildApp, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_MAX_POINTS } from "./app.js";
export { decodeLineBatch } from "./batch/line-protocol.js";
export { ERR } from "./errors.js";
export { createInfluxStore, type InfluxConnection } from "./influx.js";
export { type IngestionServer, type IngestionServerOptions, startIngestion } from "./server.js";
