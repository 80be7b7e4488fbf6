/**
 * `jisr ingest` for the benches, as deployed: the built JavaScript (cli/bin/jisr.js running dist/, built
 * first by bench/build.ts) with the Node options docker-compose.yml gives the ingestion service, in a
 * process of its own, not the TypeScript sources through tsx (whose loader thread, transformed sources
 * and source maps the service does not carry in production, and whose larger heap made each of V8's full
 * collections dearer).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ingestionNodeOptions } from "../test/deploy/testing/compose.js";
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
  /** Without the Node options of docker-compose.yml (bench:ingestion-gc compares the two). */
  bare?: boolean;
  /** Node options before the script, e.g. ["--cpu-prof", "--cpu-prof-dir", dir]. */
  nodeArgs?: readonly string[];
  env?: Record<string, string>;
  /** Where the service's stdout goes ("pipe": `child.stdout`, e.g. its summary lines); stderr: the bench's. */
  stdout?: "ignore" | "inherit" | "pipe";
}

/** Starts `jisr ingest` on a free port; resolves once /readyz answers. */
export async function startIngest(opts: IngestOptions): Promise<IngestService> {
  buildOnce();
  const port = await freePort();
  const argv = [
    // The Node options the Compose file gives the ingestion service (--single-threaded-gc).
    ...(opts.bare ? [] : ingestionNodeOptions()),
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
      ...process.env,
      JISR_SOURCE: "",
      JISR_INFLUX_URL: opts.influxUrl,
      JISR_LOG_LEVEL: "warn",
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
