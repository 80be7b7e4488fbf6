import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type RecordingServer, startRecordingServer } from "../uplink/testing/recording-server.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const entry = fileURLToPath(new URL("./testdata/jisr-gateway.ts", import.meta.url));
const example = fileURLToPath(new URL("../../examples/gateway.yaml", import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function jisrGateway(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", entry, "gateway", ...args], {
    cwd: root,
    env: { ...process.env, JISR_GATEWAY_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "jisr-gw-cli-")), "gateway.yaml");
  writeFileSync(file, text);
  return file;
}

const broken = writeConfig(`
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:9", token: abc, flush_interval: 5 }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, colour: blue }
  - { id: inv-1, profile: sunspec, host: 127.0.0.2, port: 0 }
`);
const problems = [
  'uplink.flush_interval: expected a duration such as "30s", not the number 5: give its unit, e.g. "5s"',
  "devices.0.colour: unknown key; known keys are: id, profile, host, serial, port, unit, interval, timeout, retries, offline_retry_max",
  "devices.1.port: must be between 1 and 65535",
];

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("jisr gateway run / check-config", () => {
  it("check-config prints every problem by path and exits 2", async () => {
    const run = jisrGateway(["check-config", "--config", broken]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`gateway config ${broken} is not valid:`);
    for (const p of problems) expect(run.stderr()).toContain(`  - ${p}\n`);
    expect(run.stdout()).toBe("");
  });

  it("run refuses the same file with exit code 2, before starting anything", async () => {
    const run = jisrGateway(["run", "--config", broken]);
    expect(await run.exit).toBe(2);
    for (const p of problems) expect(run.stderr()).toContain(p);
    expect(run.stdout()).not.toContain("Gateway started");
  });

  it("check-config accepts the shipped example", async () => {
    const run = jisrGateway(["check-config", "--config", example], { JISR_GATEWAY_TOKEN: "t0ken" });
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe(`OK: ${example}: institution "ehpad-ben-guerir", 2 device(s): inv-1, inv-2\n`);
  });

  it("run refuses to start on a damaged queue file with exit code 1, saying what to do", async () => {
    const config = writeConfig(`
institution: ehpad-ben-guerir
uplink: { url: "http://127.0.0.1:9", token: abc }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1 }
`);
    const queue = join(dirname(config), "jisr-data", "outbox.sqlite");
    mkdirSync(dirname(queue));
    writeFileSync(queue, "not a database ".repeat(300));
    const run = jisrGateway(["run", "--config", config]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      `error: Queue file "${queue}" is damaged (file is not a database): stop the gateway, move "${queue}" and its ` +
        '"-wal" and "-shm" files aside (e.g. into a folder named "damaged"), and start the gateway again: it ' +
        "starts with an empty queue; the readings still in the damaged file are not sent\n",
    );
  });

  it("explains itself in --help, with an example", async () => {
    const run = jisrGateway(["run", "--help"]);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain("--config <file>");
    expect(run.stdout()).toContain("jisr gateway run --config /etc/jisr/gateway.yaml");
  });

  it("runs until SIGTERM, then stops cleanly with exit code 0", async () => {
    const sim: SunspecInverterHandle = await startSunspecInverter({ port: 0, unit: 1, kwp: 10 });
    const server: RecordingServer = await startRecordingServer();
    cleanup.push(
      () => sim.close(),
      () => server.close(),
    );
    const config = writeConfig(`
institution: ehpad-ben-guerir
uplink: { url: "${server.url}", flush_interval: 100ms }
devices:
  - { id: inv-1, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 200ms }
`);
    const run = jisrGateway(["run", "--config", config], { JISR_GATEWAY_TOKEN: "t0ken" });
    cleanup.push(async () => {
      run.child.kill("SIGKILL");
    });
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThan(0), {
      timeout: 20_000,
      interval: 50,
    });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer t0ken");
    expect(server.requests[0]?.points[0]?.tags).toMatchObject({
      institution: "ehpad-ben-guerir",
      device: "inv-1",
    });

    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    const logged = run
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logged.map((l) => l.msg)).toEqual(
      expect.arrayContaining(["Gateway started", "Stopping", "Gateway stopped"]),
    );
    expect(run.stdout()).not.toContain("t0ken");
  });
});
