/**
 * Golden cases (STYLE.md habit 5): each folder of testcases/ holds a profile.yaml, the registers.json a
 * device serves, and either the line protocol one poll must give (expected.lp) or the error init must
 * return (init.err, with <case> for the folder). Served over a real Modbus TCP socket. A bug fix adds a
 * folder named after its issue.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePoints } from "@jisr/core";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { DeviceConfig } from "../../config/schema.js";
import { LinkPool } from "../../modbus/link-pool.js";
import { registerTablesSchema, serveRegisters } from "../../profiles/testing/raw-registers.js";
import { ModbusProfileDriver } from "./driver.js";

const CASES = fileURLToPath(new URL("./testcases/", import.meta.url));
const NOW = Date.UTC(2026, 5, 21, 12, 0, 0);
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("modbus-profile golden cases", () => {
  it.each(readdirSync(CASES).map((name) => [name]))("%s", async (name) => {
    const dir = join(CASES, name);
    const tables = registerTablesSchema.parse(JSON.parse(readFileSync(join(dir, "registers.json"), "utf8")));
    const server = await serveRegisters(tables);
    const links = new LinkPool();
    cleanups.push(
      () => server.close(),
      () => links.closeAll(),
    );
    const device: DeviceConfig = {
      id: "dev",
      profile: join(dir, "profile.yaml"),
      host: "127.0.0.1",
      port: server.port,
      unit: 1,
      interval: 1000,
      timeout: 1000,
      retries: 0,
    };
    const driver = new ModbusProfileDriver(
      device,
      { institution: "ehpad-ben-guerir", logger: pino({ level: "silent" }), clock: () => NOW },
      { links },
    );
    cleanups.push(() => driver.close());
    const errors = await driver.init();
    const initErr = join(dir, "init.err");
    if (existsSync(initErr)) {
      const want = readFileSync(initErr, "utf8").trim().replaceAll("<case>", dir);
      expect(errors.map((e) => e.message)).toEqual([want]);
      return;
    }
    expect(errors).toEqual([]);
    const points = await driver.poll(NOW);
    expect(encodePoints(points)).toBe(readFileSync(join(dir, "expected.lp"), "utf8").trim());
  });
});
