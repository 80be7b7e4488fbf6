/**
 * For tests: a private Mosquitto that can be stopped and started again on the same port with the same
 * persistence file, as a central broker going down for a while would be. The shared test broker
 * (test/servers/mosquitto.ts) cannot be stopped, and picks a new port each time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "../../../../test/servers/ensure-packages.js";
import { freePort } from "../../../../test/servers/free-port.js";
import { launch, type RunningServer } from "../../../../test/servers/influxd.js";

export interface RestartableMosquitto {
  url: string;
  port: number;
  /** Stops the broker (SIGTERM: it saves its persistence file); the port stays ours to reuse. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the sessions and queued messages it saved. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

export async function startRestartableMosquitto(extraConfig = ""): Promise<RestartableMosquitto> {
  const bin = findBinary("mosquitto");
  if (!bin) throw new Error("mosquitto is not installed (Debian package: mosquitto)");
  const base = mkdtempSync(join(tmpdir(), "jisr-mosquitto-restartable-"));
  const data = join(base, "data");
  mkdirSync(data);
  const port = await freePort();
  const conf = join(base, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence true",
      `persistence_location ${data}/`,
      "max_queued_messages 0",
      "log_dest stderr",
      extraConfig,
    ].join("\n"),
  );
  let running: RunningServer | undefined;
  const start = async () => {
    // launch() removes its working folder on stop: give it a fresh one, and keep `data` outside it.
    const cwd = mkdtempSync(join(base, "run-"));
    running = await launch(bin, ["-c", conf], cwd, port, "mosquitto", () => tcpOpen(port), "mqtt");
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}
