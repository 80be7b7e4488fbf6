/**
 * vitest global setup: one influxd and one Mosquitto for the whole run, each on a free loopback port in a
 * temporary folder, stopped afterwards. Tests get their addresses with `inject("influxUrl")` (see
 * test/servers/context.ts) and use a database or topic of their own, so they can run in parallel.
 */
import type { TestProject } from "vitest/node";
import { ensurePackages } from "./ensure-packages.js";
import type { RunningServer } from "./influxd.js";
import { startInfluxd } from "./influxd.js";
import { startMosquitto } from "./mosquitto.js";

declare module "vitest" {
  export interface ProvidedContext {
    influxUrl: string;
    mqttUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensurePackages();
  const servers: RunningServer[] = [];
  try {
    const influx = await startInfluxd();
    servers.push(influx);
    const mqtt = await startMosquitto();
    servers.push(mqtt);
    project.provide("influxUrl", influx.url);
    project.provide("mqttUrl", mqtt.url);
    process.stderr.write(`[test setup] influxd at ${influx.url}, mosquitto at ${mqtt.url}\n`);
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
}
