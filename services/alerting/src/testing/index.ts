/**
 * @jisr/alerting/testing: alerting's test support for the other workspaces' tests (the web page's alert
 * views build conditions the way the engine's own tests do). Never imported by production code
 * (test/test-support.test.ts).
 */
export * from "../engine/testing/helpers.js";
