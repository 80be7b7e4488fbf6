/**
 * Nothing lost when the gateway process dies (issue 3): `jisr gateway run` in a child process is killed
 * with SIGKILL while an upload is in flight (the ingestion service stored the batch, the answer is held
 * back by a proxy), then started again on the same data_dir. Every reading of both runs arrives, and the
 * batch sent twice is harmless: InfluxDB holds each series and timestamp once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfluxStore } from "@jisr/core/store";
import { addToken, startIngestion } from "@jisr/ingestion";
import { startSunspecInverter } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { influxUrl, uniqueDatabase } from "../servers/context.js";
import { startAckGate } from "./helpers/ack-gate.js";
import { startGatewayProcess } from "./helpers/gateway-process.js";
import { query, storedTimes } from "./helpers/influx.js";
import { logLines, missing, pollCount, polledAt } from "./helpers/polls.js";

const INSTITUTION = "ehpad-ben-guerir";
const DEVICE = "inv-1";

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("nothing lost when the gateway is killed (real process, ingestion, InfluxDB)", () => {
  it("delivers every reading of a run killed with SIGKILL mid-upload, after a restart on the same data_dir", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-e2e-sigkill-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const database = uniqueDatabase("e2e_sigkill");
    const store = new InfluxStore({ url: influxUrl(), database });
    cleanup.push(() => store.close());
    const { token } = await addToken(join(dir, "tokens.json"), INSTITUTION);
    const ingestion = await startIngestion({
      store,
      tokensFile: join(dir, "tokens.json"),
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "silent" }),
    });
    cleanup.push(() => ingestion.close());
    const gate = await startAckGate(ingestion.url);
    cleanup.push(() => gate.close());
    const sim = await startSunspecInverter({
      port: 0,
      unit: 1,
      kwp: 10,
      speed: 60,
      start: new Date("2026-06-21T11:00:00Z"),
    });
    cleanup.push(() => sim.close());
    const config = join(dir, "gateway.yaml");
    // data_dir is relative: both runs resolve it next to the config file, whatever their working folder.
    writeFileSync(
      config,
      `institution: ${INSTITUTION}
data_dir: state
uplink: { url: "${gate.url}", flush_interval: 200ms, batch_max_points: 12 }
devices:
  - { id: ${DEVICE}, profile: sunspec, host: 127.0.0.1, port: ${sim.port}, interval: 250ms, timeout: 1s }
`,
    );
    const env = { JISR_GATEWAY_TOKEN: token };

    const first = startGatewayProcess(config, env);
    cleanup.push(() => void first.child.kill("SIGKILL"));
    await vi.waitFor(
      async () => expect((await storedTimes(influxUrl(), database, DEVICE)).length).toBeGreaterThan(2),
      {
        timeout: 15_000,
        interval: 100,
      },
    );
    // From now on the server stores what it gets, but the gateway never hears back.
    gate.hold();
    const polledBefore = polledAt(first.stdout(), DEVICE).length;
    await vi.waitFor(
      () => {
        expect(gate.held).toBeGreaterThan(0);
        expect(polledAt(first.stdout(), DEVICE).length).toBeGreaterThanOrEqual(polledBefore + 4);
      },
      { timeout: 10_000, interval: 20 },
    );
    first.child.kill("SIGKILL");
    expect((await first.exit).signal).toBe("SIGKILL");
    gate.release();
    const firstRun = polledAt(first.stdout(), DEVICE);

    const second = startGatewayProcess(config, env);
    cleanup.push(() => void second.child.kill("SIGKILL"));
    await vi.waitFor(
      async () => {
        expect(missing(firstRun, await storedTimes(influxUrl(), database, DEVICE))).toEqual([]);
        expect(polledAt(second.stdout(), DEVICE).length).toBeGreaterThan(2);
      },
      { timeout: 15_000, interval: 100 },
    );
    second.child.kill("SIGTERM");
    expect((await second.exit).code).toBe(0);

    const started = logLines(second.stdout()).find((l) => l.msg === "Gateway started") as { queued?: number };
    expect(started.queued).toBeGreaterThan(0); // the second run found the first one's queue on disk
    const expected = [...firstRun, ...polledAt(second.stdout(), DEVICE)];
    const stored = await storedTimes(influxUrl(), database, DEVICE);
    expect(missing(expected, stored)).toEqual([]);
    // One pv_inverter point per poll; at most one poll can be queued without its log line: the one the
    // kill interrupted between the two.
    const polls = pollCount(first.stdout(), DEVICE) + pollCount(second.stdout(), DEVICE);
    const inverterTimes = (
      await query(influxUrl(), database, `SELECT power_w FROM pv_inverter WHERE "device"::tag = '${DEVICE}'`)
    ).map((r) => r.time as number);
    expect(inverterTimes.length - polls).toBeGreaterThanOrEqual(0);
    expect(inverterTimes.length - polls).toBeLessThanOrEqual(1);

    // The held batch went to the server twice, yet InfluxDB has each series and timestamp once.
    const sent = gate.batches.flatMap((b) => b.keys);
    const twice = sent.filter((k, i) => sent.indexOf(k) !== i);
    expect(twice.length).toBeGreaterThan(0);
    // ...and each of them is one point in InfluxDB: one pv_inverter row per poll, as counted above.
  });
});
