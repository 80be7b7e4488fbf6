/**
 * @jisr/ingestion/testing: ingestion's test support for the other workspaces' tests (the gateway's uplink
 * and the simulators' fleet run against a real ingestion service). Never imported by production code
 * (test/test-support.test.ts).
 */
export * from "./fake-influx.js";
export * from "./inverter-reading.js";
export * from "./service.js";
