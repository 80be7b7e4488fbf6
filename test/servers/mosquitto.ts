/**
 * Starts a private Mosquitto broker on a free loopback port, anonymous, persisting into its own temporary
 * folder. `dir`, `port` and extra config lines let a test kill a broker and start it again on the same
 * data, as after a power cut.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./ensure-packages.js";
import { freePort, tcpAccepts } from "./free-port.js";
import { launch, type RunningServer } from "./influxd.js";

export async function startMosquitto(
  options: { dir?: string; port?: number; config?: readonly string[] } = {},
): Promise<RunningServer> {
  const bin = findBinary("mosquitto");
  if (!bin) throw new Error("mosquitto is not installed (Debian package: mosquitto)");
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "jisr-mosquitto-"));
  // Started as root, Mosquitto drops to its own user, which must be able to save into the folder.
  chmodSync(dir, 0o777);
  const port = options.port ?? (await freePort());
  writeFileSync(
    join(dir, "mosquitto.conf"),
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence true",
      `persistence_location ${dir}/`,
      "log_dest stderr",
      ...(options.config ?? []),
      "",
    ].join("\n"),
  );
  return launch(
    bin,
    ["-c", join(dir, "mosquitto.conf")],
    dir,
    port,
    "mosquitto",
    () => tcpAccepts(port),
    "mqtt",
  );
}
