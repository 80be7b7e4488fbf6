/**
 * @jisr/core/testing: core's test support for the other workspaces' tests (never for production code,
 * test/test-support.test.ts): where the repository's inventory and the pre-inventory files it replaced are.
 */
export * from "../inventory/testing/paths.js";
