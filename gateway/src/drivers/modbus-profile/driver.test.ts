import { type ProfileDeviceHandle, startProfileDevice } from "@jisr/simulators";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeviceConfig } from "../../config/schema.js";
import { LinkPool } from "../../modbus/link-pool.js";
import { createDriver } from "../index.js";
import { DeviceError, type DriverContext } from "../types.js";
import { ModbusProfileDriver } from "./driver.js";

const NOW = Date.UTC(2026, 5, 21, 12, 0, 0);
const logger = pino({ level: "silent" });

let sim: ProfileDeviceHandle;
let links: LinkPool;
let clockMs: number;
const drivers: ModbusProfileDriver[] = [];

beforeEach(async () => {
  sim = await startProfileDevice({
    profile: "generic-solar-controller",
    generator: "solar-water-heater",
    start: new Date(NOW),
    tickMs: 0,
  });
  clockMs = NOW;
  // The links' reconnect backoff runs on a clock the test moves.
  links = new LinkPool({ clock: () => clockMs, reconnect: { initialMs: 1000, maxMs: 1000 } });
});

afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
  await links.closeAll();
  await sim.close();
});

function config(overrides: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    id: "ces-1",
    profile: "generic-solar-controller",
    host: "127.0.0.1",
    port: sim.port,
    unit: 1,
    interval: 1000,
    timeout: 300,
    retries: 0,
    ...overrides,
  };
}

function makeDriver(overrides: Partial<DeviceConfig> = {}, clock?: () => number): ModbusProfileDriver {
  const driver = new ModbusProfileDriver(
    config(overrides),
    { institution: "ehpad-ben-guerir", logger, ...(clock && { clock }) },
    { links },
  );
  drivers.push(driver);
  return driver;
}

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceError);
  return err as DeviceError;
}

describe("ModbusProfileDriver", () => {
  it("reads the profile's plan in coalesced requests and stamps points when their registers were read", async () => {
    // The driver's clock is read once per answer: 10 s, then 20 s after NOW. The point's fields come
    // from both answers, so it carries the later one, not the poll's start.
    const answers: number[] = [];
    const clock = () => {
      answers.push(NOW + 10_000 * (answers.length + 1));
      return answers[answers.length - 1] as number;
    };
    const driver = makeDriver({}, clock);
    expect(await driver.init()).toEqual([]);
    const [point, ...rest] = await driver.poll(NOW + 123);
    expect(rest).toEqual([]);
    expect(point?.measurement).toBe("hot_water");
    expect(point?.tags).toEqual({ institution: "ehpad-ben-guerir", device: "ces-1" });
    expect(answers).toEqual([NOW + 10_000, NOW + 20_000]);
    expect(point?.time).toBe(NOW + 20_000);
    expect(point?.fields.tank_top_temperature_c).toBe(sim.get("tank_top_temperature_c"));
    expect(point?.fields.pump_on).toBe(sim.get("pump_on"));
    // One request for the two relay coils, one for the ten input registers.
    expect(sim.requests.map((r) => [r.functionCode, r.address, r.count])).toEqual([
      [1, 0, 2],
      [4, 0, 10],
    ]);
  });

  it("returns a config error from init for an unknown profile, listing the built-in ones", async () => {
    const context: DriverContext & { links: LinkPool } = { institution: "ehpad-ben-guerir", logger, links };
    const driver = createDriver(config({ profile: "resol-deltasol" }), context);
    expect(driver).toBeInstanceOf(ModbusProfileDriver);
    const errors = await driver.init();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DeviceError);
    expect((errors[0] as DeviceError).kind).toBe("config");
    expect(errors[0]?.message).toMatch(
      /^device "ces-1": profile is not valid:\n {2}- profile: unknown profile "resol-deltasol"; built-in profiles: sunspec, .*generic-solar-controller/,
    );
    await driver.close();
  });

  it("marks a wrong unit id as a timeout, retries it, and names the device", async () => {
    const driver = makeDriver({ unit: 7, retries: 1 });
    await driver.init();
    const err = await failure(driver.poll(NOW));
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(
      /^device "ces-1" at 127\.0\.0\.1:\d+ unit 7: no answer within 300 ms .*check the unit id/,
    );
    // The first request of the plan, sent twice: once, then once more on the retry.
    expect(sim.requests.filter((r) => r.unit === 7).map((r) => r.functionCode)).toEqual([1, 1]);
  });

  it("tells an exception answer apart, with what to check, and does not retry it", async () => {
    const driver = makeDriver({ profile: "huawei-sun2000", retries: 2 });
    await driver.init();
    const err = await failure(driver.poll(NOW));
    expect(err.kind).toBe("device");
    expect(err.message).toContain("Modbus exception 2 (ILLEGAL_DATA_ADDRESS)");
    expect(err.message).toContain("is this the right profile, or the right unit id?");
    expect(sim.requests).toHaveLength(1);
  });

  it("reports a device that went away, and reads it again by itself once it is back", async () => {
    const driver = makeDriver();
    await driver.init();
    expect(await driver.poll(NOW)).toHaveLength(1);
    const port = sim.port;
    await sim.close();
    const lost = await failure(driver.poll(NOW + 1000));
    expect(lost.kind).toBe("transport");
    expect(lost.message).toMatch(/^device "ces-1" at 127\.0\.0\.1:\d+ unit 1: /);

    sim = await startProfileDevice({
      profile: "generic-solar-controller",
      port,
      start: new Date(NOW),
      tickMs: 0,
    });
    sim.set("tank_top_temperature_c", 61.5);
    clockMs += 5000; // past the link's reconnect backoff
    const [point] = await driver.poll(NOW + 6000);
    expect(point?.fields.tank_top_temperature_c).toBe(61.5);
  });
});
