/**
 * @jisr/gateway/testing: the gateway's test support for tests outside it (the end-to-end tests under
 * test/): an HTTP server that records what the gateway's sender posts and answers as scripted. Never
 * imported by production code (test/test-support.test.ts).
 */
export * from "../uplink/testing/recording-server.js";
