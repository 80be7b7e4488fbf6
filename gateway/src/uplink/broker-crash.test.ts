/**
 * The broker side of "nothing lost" on the MQTT uplink: the gateway deletes a batch from its disk queue
 * once the broker acknowledges it, so the broker must keep what it acknowledged through a crash. With the
 * save settings of deploy/mosquitto/mosquitto.conf it does; with Mosquitto's defaults (a save every 30
 * minutes) a SIGKILL loses every queued batch, which is why the settings are there.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../test/servers/influxd.js";
import { startMosquitto } from "../../../test/servers/mosquitto.js";

const SHIPPED = fileURLToPath(new URL("../../../deploy/mosquitto/mosquitto.conf", import.meta.url));
/** The shipped lines about saving and queueing (the rest is the container's listener and paths). */
const shippedSaveSettings = readFileSync(SHIPPED, "utf8")
  .split("\n")
  .filter((line) => /^(autosave_|max_queued_)/.test(line));

const TOPIC = "jisr/foyer-ben-guerir/gw-1/points";
const BATCHES = 20;
let broker: RunningServer | undefined;

afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

async function kill(server: RunningServer): Promise<void> {
  const gone = new Promise((resolve) => server.process.once("exit", resolve));
  server.process.kill("SIGKILL");
  await gone;
}

/** Batches handed to a broker while ingestion is away, the broker killed and started again: how many arrive. */
async function survivingBatches(config: readonly string[]): Promise<number> {
  broker = await startMosquitto({ config });
  const { dir, port, url } = broker;
  const ingestion = { clientId: `ingest-${port}`, clean: false, protocolVersion: 5 as const };
  const session = { ...ingestion, properties: { sessionExpiryInterval: 3600 } };
  const first = await mqtt.connectAsync(url, session);
  await first.subscribeAsync(TOPIC, { qos: 1 });
  await first.endAsync();

  const gateway = await mqtt.connectAsync(url, { protocolVersion: 5 });
  for (let i = 0; i < BATCHES; i++) await gateway.publishAsync(TOPIC, `batch ${i}`, { qos: 1 });
  await gateway.endAsync();

  await kill(broker);
  broker = await startMosquitto({ dir, port, config });
  const received = new Set<string>();
  // The handler before the connection: the broker hands the queue over right after CONNACK.
  const again = mqtt.connect(url, session);
  again.on("message", (_topic, payload) => received.add(payload.toString()));
  await new Promise<void>((resolve, reject) => {
    again.once("connect", () => resolve());
    again.once("error", reject);
  });
  const deadline = Date.now() + 5000;
  while (received.size < BATCHES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // A moment more: nothing beyond the batches sent may arrive either.
  await new Promise((r) => setTimeout(r, 200));
  await again.endAsync();
  return received.size;
}

describe("a broker killed while holding batches for ingestion", () => {
  it("keeps every acknowledged batch with the shipped save settings", { timeout: 30_000 }, async () => {
    expect(shippedSaveSettings).toEqual(expect.arrayContaining(["autosave_on_changes true"]));
    expect(await survivingBatches(shippedSaveSettings)).toBe(BATCHES);
  });

  it("loses them with Mosquitto's default saving, which is why the settings are shipped", {
    timeout: 30_000,
  }, async () => {
    expect(await survivingBatches([])).toBeLessThan(BATCHES);
  });
});
