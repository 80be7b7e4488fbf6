import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * Test files that get a fresh process each. Every other file runs in a worker that has already run other
 * files (`isolate: false`): the modules they share (vitest, zod, fastify, pino, the workspaces' sources)
 * are imported once per worker instead of once per file. Measured back to back on the loaded machine
 * (load 11-20, other people's tests), a process per file (JISR_TEST_ISOLATE=1) against shared:
 * - 39 files (core, kit, dashboards, report rendering): CPU 48.8-56.9 s -> 20.2-21.8 s, wall 112-157 s
 *   -> 40-45 s (two runs each);
 * - 44 files (alerting rules, web routes, simulators): CPU 90.5 s -> 50.1 s, wall 169 s -> 74 s;
 * - 20 files (config loaders, web routes, CLI): CPU 62.4 s -> 24.8 s, wall 207 s -> 68 s.
 * The saved part is import and transform, not the tests.
 *
 * A file belongs here when it changes what its process holds for the next file, or gains nothing from
 * sharing:
 * - it replaces modules (`vi.mock`), or fakes the clock (`useFakeTimers`) across many tests;
 * - it changes the working directory or the environment (`process.chdir`, `process.env.X = ...`, even
 *   when restored: a failure between the change and the restore would leak into the next file);
 * - it is long anyway (an end-to-end run of processes, servers or a browser), so its import cost is small
 *   beside its run and a crash or a hang stays its own.
 * A file that leaks state into the next one shows as a failure of some other file that passes alone
 * (`npx vitest run that/file.test.ts`), or passes with JISR_TEST_ISOLATE=1 (every file in a process of
 * its own, as before): add the leaking file here.
 */
const OWN_PROCESS = [
  "**/*.e2e.test.ts",
  "**/e2e.test.ts",
  "**/e2e-*.test.ts",
  "test/e2e/**/*.test.ts",
  // vi.mock
  "services/web/src/routes/session/login-limits.test.ts",
  // They import every command of the CLI, every workspace: on a loaded machine one once timed out halfway
  // (30 s), and the modules it left half-loaded failed the next files of its worker ("Cannot load ...
  // after the environment was torn down"). Alone, such a timeout fails only its own file.
  "cli/src/**/*.test.ts",
  "test/deploy/**/*.test.ts",
  // process.env / process.chdir, and processes started by the test
  "services/alerting/src/cli.test.ts",
  "services/ingestion/src/cli.test.ts",
  "services/reports/src/cli.test.ts",
  "services/web/src/cli/serve.test.ts",
  "services/web/src/routes/bills/bills.test.ts",
  "services/ingestion/src/mqtt/nothing-lost.test.ts",
  // long: a browser, the demo, the binary, a gateway's whole run
  "gateway/src/run/**/*.test.ts",
  "gateway/src/service/sd-notify.test.ts",
  "services/ingestion/src/workers.test.ts",
  "services/ingestion/src/http-limits.test.ts",
];

const EXCLUDE = ["**/node_modules/**", "**/dist/**"];

/** What both groups share (the global setup stays on the root, so influxd and Mosquitto start once). */
const common = {
  // Real servers and real sockets: give I/O room, but keep a ceiling so a hang fails instead of stalling CI.
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks",
  // Child processes the tests start (the jisr binary, gateways killed with SIGKILL) run the sources.
  env: { JISR_SOURCE: "1" },
} satisfies TestProjectInlineConfiguration["test"];

export default defineConfig({
  test: {
    globalSetup: ["test/servers/global-setup.ts"],
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...common,
          name: "own-process",
          include: OWN_PROCESS,
          exclude: EXCLUDE,
        },
      },
      {
        test: {
          ...common,
          name: "shared-process",
          include: ["**/*.test.ts"],
          exclude: [...EXCLUDE, ...OWN_PROCESS],
          isolate: process.env.JISR_TEST_ISOLATE === "1",
        },
      },
    ],
  },
});
