/** `jisr web serve`'s timeouts and connection cap: options and variables reach the listening server. */
import { join } from "node:path";
import { Readable } from "node:stream";
import { DEFAULT_HTTP_LIMITS } from "@jisr/service-kit";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { registerWebCommands } from "../cli.js";
import type { WebServer } from "../server.js";
import { type WebFixture, webFixture } from "../testing/fixture.js";

let fixture: WebFixture | undefined;
let server: WebServer | undefined;
afterEach(async () => {
  await server?.close();
  await fixture?.close();
  [fixture, server] = [undefined, undefined];
  delete process.env.JISR_WEB_MAX_CONNECTIONS;
});

function serve(...extra: string[]) {
  const out = { stdout: "", stderr: "" };
  const program = new Command("jisr").exitOverride().configureOutput({
    writeErr: (s) => {
      out.stderr += s;
    },
  });
  registerWebCommands(program, {
    io: {
      stdin: Readable.from([""]),
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
    waitForSignal: false,
    onStarted: (s) => {
      server = s;
    },
  });
  const f = fixture as WebFixture;
  const run = program.parseAsync([
    ...["node", "jisr", "web", "serve", "--sqlite", join(f.dir, "store.sqlite")],
    ...["--institutions", join(f.dir, "institutions.yaml"), "--users", f.usersFile],
    ...["--port", "0", "--log-level", "silent", ...extra],
  ]);
  return { out, run };
}

describe("jisr web serve: timeouts and connections", () => {
  it("sets the defaults on the server", async () => {
    fixture = await webFixture();
    await serve().run;
    const http = (server as WebServer).app.server;
    expect(http.headersTimeout).toBe(DEFAULT_HTTP_LIMITS.headersTimeoutMs);
    expect(http.requestTimeout).toBe(DEFAULT_HTTP_LIMITS.requestTimeoutMs);
    expect(http.keepAliveTimeout).toBe(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
    expect(http.timeout).toBe(DEFAULT_HTTP_LIMITS.idleTimeoutMs);
    expect(http.maxConnections).toBe(DEFAULT_HTTP_LIMITS.maxConnections);
  });

  it("takes them from options and variables", async () => {
    fixture = await webFixture();
    process.env.JISR_WEB_MAX_CONNECTIONS = "77";
    await serve(
      ...["--headers-timeout", "3000", "--request-timeout", "4000"],
      ...["--keep-alive-timeout", "2000", "--idle-timeout", "9000"],
    ).run;
    const http = (server as WebServer).app.server;
    expect([http.headersTimeout, http.requestTimeout, http.keepAliveTimeout, http.timeout]).toEqual([
      3000, 4000, 2000, 9000,
    ]);
    expect(http.maxConnections).toBe(77);
  });

  it("refuses a headers timeout longer than the request timeout, naming both options", async () => {
    fixture = await webFixture();
    const s = serve("--headers-timeout", "30000", "--request-timeout", "20000");
    await expect(s.run).rejects.toThrow();
    expect(s.out.stderr).toContain("--headers-timeout must not be longer than --request-timeout");
    expect(server).toBeUndefined();
  });
});
