/**
 * @jisr/dashboards/testing: runs a dashboard panel's queries against a real influxd loaded with the
 * dashboards' fixture (panel-runner.ts, fixtures.ts), for the tests here and for the reports' test that
 * holds their figures to the dashboards'. Never imported by production code (test/test-support.test.ts).
 */
export * from "./fixtures.js";
export * from "./panel-runner.js";
