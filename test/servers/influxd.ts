/**
 * Starts a private influxd (the Debian 1.6.7 binary, or any 1.x on PATH) on free loopback ports with its
 * own temporary data folder. Both the HTTP and the RPC bind address are set, so instances never collide.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./ensure-packages.js";
import { freePort, waitFor } from "./free-port.js";

export interface RunningServer {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Output so far, for error messages. */
  output(): string;
}

export interface InfluxdOptions {
  /**
   * Turn on authentication (`[http] auth-enabled`): every query then needs a user, except the very first
   * `CREATE USER ... WITH ALL PRIVILEGES` (the admin). For tests of users and grants.
   */
  auth?: boolean;
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<RunningServer> {
  const bin = findBinary("influxd");
  if (!bin) throw new Error("influxd is not installed (Debian package: influxdb)");
  const dir = mkdtempSync(join(tmpdir(), "jisr-influxd-"));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = `
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
  trace-logging-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  max-body-size = 0
  auth-enabled = ${options.auth === true}
[monitor]
  store-enabled = false
[continuous_queries]
  log-enabled = false
  run-interval = "1s"
[subscriber]
  enabled = false
`;
  writeFileSync(join(dir, "influxdb.conf"), config);
  return launch(bin, ["-config", join(dir, "influxdb.conf")], dir, httpPort, "influxd", async (url) => {
    const res = await fetch(`${url}/ping`);
    return res.status === 204;
  });
}

export async function launch(
  bin: string,
  args: string[],
  dir: string,
  port: number,
  name: string,
  ready: (url: string) => Promise<boolean>,
  scheme = "http",
): Promise<RunningServer> {
  const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `${scheme}://127.0.0.1:${port}`;
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`${name} exited during start-up:\n${output}`);
        return ready(url);
      },
      30_000,
      `${name} on ${url}`,
    );
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${name} did not start: ${(err as Error).message}\n${output}`);
  }
  return {
    url,
    port,
    dir,
    process: child,
    output: () => output,
    stop: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
