/** Starts a private Mosquitto broker on a free loopback port, anonymous, without persistence. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./ensure-packages.js";
import { freePort } from "./free-port.js";
import { launch, type RunningServer } from "./influxd.js";

export async function startMosquitto(): Promise<RunningServer> {
  const bin = findBinary("mosquitto");
  if (!bin) throw new Error("mosquitto is not installed (Debian package: mosquitto)");
  const dir = mkdtempSync(join(tmpdir(), "jisr-mosquitto-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "mosquitto.conf"),
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nlog_dest stderr\n`,
  );
  return launch(bin, ["-c", join(dir, "mosquitto.conf")], dir, port, "mosquitto", tcpOpen(port), "mqtt");
}

function tcpOpen(port: number): () => Promise<boolean> {
  return () =>
    new Promise((resolve) => {
      const sock = connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    });
}
