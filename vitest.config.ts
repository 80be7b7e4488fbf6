import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    globalSetup: ["test/servers/global-setup.ts"],
    // Real servers and real sockets: give I/O room, but keep a ceiling so a hang fails instead of stalling CI.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Child processes the tests start (the jisr binary, gateways killed with SIGKILL) run the sources.
    env: { JISR_SOURCE: "1" },
    maxWorkers: 2,
  },
});
