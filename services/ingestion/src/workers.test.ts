/**
 * `jisr ingest --workers 2` as a real process tree on the run's influxd: both workers serve writes on the
 * one port, a worker killed is replaced by the primary (same index) and writes go on, SIGTERM to the
 * primary stops everything with exit code 0. With --mqtt-url, on the run's Mosquitto 2, the two workers
 * share the batch topics through a shared subscription: each batch is handled by one worker, once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { addToken } from "@jisr/service-kit";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, mqttUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { freePort, waitFor } from "../../../test/servers/free-port.js";
import { influxQuery } from "./testing/service.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-workers-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One write on a connection of its own, so that the primary hands it to the next worker. */
function write(port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/write?precision=ms",
        agent: false,
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", connection: "close" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
    req.end(body);
  });
}

const logLines = (output: string) =>
  output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** `jisr ingest <args>` from the sources, its output (stdout and stderr) gathered. */
function spawnIngest(args: string[], env: Record<string, string>) {
  const script = join(dir, "jisr.mts");
  const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
  const commander = fileURLToPath(import.meta.resolve("commander"));
  writeFileSync(
    script,
    `import { Command } from ${JSON.stringify(commander)};
import { registerIngestCommands } from ${JSON.stringify(cli)};
const program = new Command("jisr");
registerIngestCommands(program);
await program.parseAsync(process.argv);`,
  );
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", script, "ingest", ...args], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    env: { ...process.env, JISR_INFLUX_URL: influxUrl(), JISR_LOG_LEVEL: "debug", ...env },
  });
  const run = {
    child,
    output: "",
    exited: new Promise<number | null>((resolve) => child.on("exit", resolve)),
  };
  child.stdout?.on("data", (b: Buffer) => {
    run.output += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    run.output += b.toString();
  });
  return run;
}

describe("jisr ingest --workers", () => {
  it("serves writes from 2 workers on one port; a killed worker is restarted by the primary", async () => {
    const tokensFile = join(dir, "tokens.json");
    const { token } = await addToken(tokensFile, "workers-inst");
    const database = uniqueDatabase("ingest_workers");
    const port = await freePort();
    const script = join(dir, "jisr.mts");
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
    const commander = fileURLToPath(import.meta.resolve("commander"));
    writeFileSync(
      script,
      `import { Command } from ${JSON.stringify(commander)};
import { registerIngestCommands } from ${JSON.stringify(cli)};
const program = new Command("jisr");
registerIngestCommands(program);
await program.parseAsync(process.argv);`,
    );
    const args = ["ingest", "--port", String(port), "--tokens", tokensFile, "--database", database];
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", script, ...args, "--workers", "2"],
      {
        cwd: fileURLToPath(new URL(".", import.meta.url)),
        env: {
          ...process.env,
          JISR_INFLUX_URL: influxUrl(),
          JISR_LOG_LEVEL: "debug",
          JISR_INGEST_GROUP_WINDOW: "0",
        },
      },
    );
    let output = "";
    child.stdout?.on("data", (b: Buffer) => {
      output += b.toString();
    });
    child.stderr?.on("data", (b: Buffer) => {
      output += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const listening = () => logLines(output).filter((l) => l.msg === "Ingestion listening");
    const T = Date.UTC(2026, 10, 29, 10);
    try {
      await waitFor(async () => listening().length === 2, 60_000, `2 workers to listen:\n${output}`);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push(await write(port, token, `wk,device=d${i} v=${i} ${T}`));
      expect(statuses).toEqual(Array(8).fill(204));
      await waitFor(
        async () => logLines(output).filter((l) => l.msg === "request completed").length === 8,
        20_000,
        "8 request lines",
      );
      const served = new Set(
        logLines(output)
          .filter((l) => l.msg === "request completed")
          .map((l) => l.worker),
      );
      expect(served).toEqual(new Set([0, 1]));
      const started = logLines(output).filter((l) => l.msg === "Worker started");
      const victim = started.find((l) => l.worker === 1)?.workerPid as number;
      process.kill(victim, "SIGKILL");
      await waitFor(
        async () => logLines(output).some((l) => l.msg === "Worker died; restarting it" && l.worker === 1),
        20_000,
        `the primary to see the death:\n${output}`,
      );
      await waitFor(async () => listening().length === 3, 60_000, `the worker to be back:\n${output}`);
      const replacement = logLines(output).filter((l) => l.msg === "Worker started" && l.worker === 1);
      expect(replacement).toHaveLength(2);
      expect(replacement[1]?.workerPid).not.toBe(victim);
      for (let i = 8; i < 12; i++) expect(await write(port, token, `wk,device=d${i} v=${i} ${T}`)).toBe(204);
      expect(await influxQuery(influxUrl(), database, 'SELECT count("v") FROM "wk"')).toEqual([
        { time: 0, count: 12 },
      ]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${output}`);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).not.toContain(token);
  }, 180_000);

  it("with --mqtt-url, the 2 workers share the batch topics ($share): each batch handled once, all stored", async () => {
    const tokensFile = join(dir, "tokens-mqtt.json");
    const institution = "workers-mqtt-inst";
    const { token } = await addToken(tokensFile, institution);
    const database = uniqueDatabase("ingest_workers_mqtt");
    const prefix = `jisr-workers-${Math.random().toString(16).slice(2, 10)}`;
    const run = spawnIngest(
      [
        "--port",
        String(await freePort()),
        "--tokens",
        tokensFile,
        "--database",
        database,
        "--workers",
        "2",
        "--mqtt-url",
        mqttUrl(),
        "--mqtt-topic",
        `${prefix}/+/+/points`,
        "--mqtt-group",
        "jisr-ingest-test",
        "--mqtt-state",
        join(dir, "mqtt-state.sqlite"),
        "--mqtt-feedback-topic",
        "",
      ],
      {},
    );
    const subscribed = () => logLines(run.output).filter((l) => l.msg === "Subscribed to gateway batches");
    const gateway = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 5, reconnectPeriod: 0 });
    const T = Date.UTC(2026, 10, 29, 10);
    const N = 40;
    try {
      await waitFor(async () => subscribed().length === 2, 60_000, `2 workers to subscribe:\n${run.output}`);
      expect(new Set(subscribed().map((l) => l.subscription))).toEqual(
        new Set([`$share/jisr-ingest-test/${prefix}/+/+/points`]),
      );
      // One gateway per batch, so that each batch can be told apart in the workers' logs.
      for (let i = 0; i < N; i++) {
        const points = [{ measurement: "wk_mqtt", tags: { device: `d${i}` }, fields: { v: i }, time: T }];
        await gateway.publishAsync(
          `${prefix}/${institution}/gw-${i}/points`,
          gzipSync(JSON.stringify({ points })),
          {
            qos: 1,
            properties: { userProperties: { authorization: `Bearer ${token}` } },
          },
        );
      }
      const stored = () => logLines(run.output).filter((l) => l.msg === "MQTT batch stored");
      await waitFor(async () => stored().length >= N, 60_000, `${N} batches stored:\n${run.output}`);
      // Give a duplicate delivery time to show up before counting.
      await new Promise((r) => setTimeout(r, 1000));
      const lines = stored();
      expect(lines).toHaveLength(N);
      expect(new Set(lines.map((l) => l.topic)).size).toBe(N);
      const byWorker = new Map<unknown, number>();
      for (const l of lines) byWorker.set(l.worker, (byWorker.get(l.worker) ?? 0) + 1);
      expect([...byWorker.keys()].sort()).toEqual([0, 1]);
      expect(await influxQuery(influxUrl(), database, 'SELECT count("v") FROM "wk_mqtt"')).toEqual([
        { time: 0, count: N },
      ]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${run.output}`);
    } finally {
      await gateway.endAsync(true);
      run.child.kill("SIGTERM");
    }
    expect(await run.exited).toBe(0);
    expect(run.output).not.toContain(token);
  }, 180_000);
});
