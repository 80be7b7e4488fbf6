/**
 * @jisr/analytics/testing: analytics' test support for the other workspaces' tests: the job's fixture
 * (one site, its tariff and a month of readings, worked by hand in jobs/) and the bills' fixture (a second
 * site with recorded bills). Reports and dashboards check their figures against the job's on these. Never
 * imported by production code (test/test-support.test.ts).
 */
export {
  DOMESTIC_YAML,
  domestic,
  PROFESSIONAL_YAML,
  professional,
  SITE as BILLS_SITE,
  siteConfig,
  sitePoints,
  stored,
} from "../bills/testing/fixture.js";
export {
  type FixtureOptions,
  fixtureConfig,
  fixturePoints,
  SITE,
  TEST_TARIFF,
} from "../jobs/testing/job-fixture.js";
