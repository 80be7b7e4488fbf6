/**
 * `jisr ingest` for the benches, as deployed: the built JavaScript (cli/bin/jisr.js running dist/, built
 * first by bench/build.ts) with the Node options and runtime variables (GLIBC_TUNABLES) that
 * docker-compose.yml gives the ingestion service, in a process of its own, not the TypeScript sources
 * through tsx (whose loader thread, transformed sources and source maps the service does not carry in
 * production, and whose larger heap made each of V8's full collections dearer).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  ingestionNodeOptions,
  ingestionRuntimeEnv,
  isRuntimeVariable,
} from "../test/deploy/testing/compose.js";
import { freePort, waitFor } from "../test/servers/free-port.js";
import { buildOnce } from "./build.js";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface IngestService {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface IngestOptions {
  influxUrl: string;
  tokensFile: string;
  database: string;
  /** More `jisr ingest` options, e.g. ["--workers", "2"]. */
  args?: readonly string[];
  /**
   * The Node options and runtime variables to run with instead of docker-compose.yml's (see
   * `deployedRuntime`; bench:ingestion-runtime drops them one at a time).
   */
  runtime?: IngestRuntime;
  /** Node options before the script, e.g. ["--cpu-prof", "--cpu-prof-dir", dir]. */
  nodeArgs?: readonly string[];
  env?: Record<string, string>;
  /** Where the service's stdout goes ("pipe": `child.stdout`, e.g. its summary lines); stderr: the bench's. */
  stdout?: "ignore" | "inherit" | "pipe";
}

/** How the runtime under jisr is tuned: Node options, and variables for the C library, Node and libuv. */
export interface IngestRuntime {
  nodeOptions: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** The ingestion service's runtime as docker-compose.yml sets it (its entry point and environment). */
export function deployedRuntime(): IngestRuntime {
  return { nodeOptions: ingestionNodeOptions(), env: ingestionRuntimeEnv() };
}

/** Starts `jisr ingest` on a free port; resolves once /readyz answers. */
export async function startIngest(opts: IngestOptions): Promise<IngestService> {
  buildOnce();
  const runtime = opts.runtime ?? deployedRuntime();
  const port = await freePort();
  const argv = [
    // The Node options asked for; by default those the Compose file gives ingestion (--single-threaded-gc
    // --heap-growing-percent=100).
    ...runtime.nodeOptions,
    ...(opts.nodeArgs ?? []),
    fileURLToPath(new URL("../cli/bin/jisr.js", import.meta.url)),
    "ingest",
    "--port",
    String(port),
    "--tokens",
    opts.tokensFile,
    "--database",
    opts.database,
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: {
      // The runtime is the one asked for, not whatever tuning the bench's own shell carries.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !isRuntimeVariable(name))),
      JISR_SOURCE: "",
      JISR_INFLUX_URL: opts.influxUrl,
      JISR_LOG_LEVEL: "warn",
      ...runtime.env,
      ...opts.env,
    },
    stdio: ["ignore", opts.stdout ?? "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`jisr ingest exited (${code}) before it was ready`))),
  );
  await Promise.race([
    waitFor(async () => (await fetch(`${url}/readyz`)).ok, 120_000, "ingestion to start"),
    exited,
  ]);
  return {
    url,
    pid: child.pid as number,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
