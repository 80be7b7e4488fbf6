import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PymodbusServer, startPymodbus } from "../../../test/servers/pymodbus.js";
import { type PymodbusConverter, startPymodbusConverter } from "../../../test/servers/pymodbus-converter.js";
import { type PtyPair, startPtyPair } from "../../../test/servers/socat.js";
import { classifyFailure } from "../drivers/modbus-profile/classify.js";
import { GATEWAY_EXCEPTIONS, ModbusExceptionError, ModbusTimeoutError } from "./errors.js";
import { LinkPool, type PooledLink } from "./link-pool.js";
import type { LinkTarget } from "./target.js";

/**
 * Our link through a TCP-to-RTU converter with several unit ids behind it, built from parts we did not write:
 * a socat pty pair is the RS-485 line, pymodbus 3.0 serves units 1 and 2 as Modbus RTU on one end
 * (test/servers/pymodbus-server.py documents their register block), and test/servers/pymodbus-converter.py
 * forwards Modbus TCP onto the other end through pymodbus's serial client. The converter holds no registers:
 * every value below crossed the line, and unit 2's differ from unit 1's, so the unit id crossed it too.
 */

const HOLDING = (unit: number, address: number) => 40000 + (unit - 1) * 1000 + address;
const INPUT = (unit: number, address: number) => 30000 + (unit - 1) * 1000 + address;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** Above the converter's 1 s wait for a unit on the line, so its answer arrives before our timeout. */
const PAST_CONVERTER_MS = 5000;

async function startConverterOnLine(
  absentUnit: "exception" | "silent",
): Promise<{ target: LinkTarget; stop: () => Promise<void> }> {
  const pty: PtyPair = await startPtyPair();
  let units: PymodbusServer | undefined;
  let converter: PymodbusConverter | undefined;
  const stop = async () => {
    await converter?.stop();
    await units?.stop();
    await pty.stop();
  };
  try {
    units = await startPymodbus({ serial: pty.a }, [1, 2]);
    converter = await startPymodbusConverter({ serial: pty.b, absentUnit, rtuTimeoutS: 1 });
    return { target: { host: "127.0.0.1", port: converter.port }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One pool per test, as the gateway holds it: a device per unit id, all on the converter's endpoint. */
function usePool(target: () => LinkTarget) {
  const on = {} as { pool: LinkPool; one: PooledLink; two: PooledLink };
  beforeEach(() => {
    on.pool = new LinkPool();
    on.one = on.pool.acquire(target(), 1);
    on.two = on.pool.acquire(target(), 2);
  });
  afterEach(() => on.pool.closeAll());
  return on;
}

describe("a TCP-to-RTU converter (pymodbus 3.0) with units 1 and 2 on its RS-485 line", () => {
  let target: LinkTarget;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ target, stop } = await startConverterOnLine("exception"));
  });
  afterAll(() => stop?.());
  const on = usePool(() => target);

  it("is taken by the pool for a converter: one link, one request at a time", () => {
    expect(on.pool.buses()).toEqual([expect.objectContaining({ units: [1, 2], users: 2, serialised: true })]);
    expect(on.one.serialised).toBe(true);
    expect(on.two.serialised).toBe(true);
  });

  it("reads holding and input registers of each unit as that unit on the line serves them", async () => {
    expect(await on.one.read(1, "holding", 0, 3, 1000)).toEqual([40000, 40001, 40002]);
    expect(await on.two.read(2, "holding", 97, 3, 1000)).toEqual([41097, 41098, 41099]);
    expect(await on.one.read(1, "input", 5, 2, 1000)).toEqual([30005, 30006]);
    expect(await on.two.read(2, "input", 0, 50, 1000)).toEqual(range(31000, 50));
    expect(await on.one.read(1, "holding", 0, 100, 1000)).toEqual(range(40000, 100));
    // Bits come back padded to whole bytes on RTU: exactly as many as asked must reach us.
    expect(await on.two.read(2, "coil", 3, 10, 1000)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(on.one.stats()).toMatchObject({ requests: 6, answered: 6, connects: 1 });
  });

  it("passes a unit's refusal through as exception 2, which classify blames on the device", async () => {
    const refused = await on.one.read(1, "holding", 98, 5, 1000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModbusExceptionError);
    expect(refused).toMatchObject({ code: 2, exceptionName: "ILLEGAL_DATA_ADDRESS", unit: 1 });
    expect(classifyFailure(refused, "unit 1").kind).toBe("device");
    expect(await on.one.read(1, "holding", 97, 3, 1000)).toEqual([40097, 40098, 40099]);
  });

  it("answers exception 11 for a unit absent from the line, a timeout for classify; the line stays usable", async () => {
    const seven = on.pool.acquire(target, 7);
    const absent = await seven.read(7, "holding", 0, 1, PAST_CONVERTER_MS).catch((e: unknown) => e);
    expect(absent).toBeInstanceOf(ModbusExceptionError);
    expect(absent).toMatchObject({
      code: 11,
      exceptionName: "GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND",
      unit: 7,
    });
    expect(GATEWAY_EXCEPTIONS).toContain((absent as ModbusExceptionError).code);
    expect(classifyFailure(absent, "unit 7").kind).toBe("timeout");

    expect(await on.one.read(1, "input", 49, 1, 1000)).toEqual([30049]);
    expect(await on.two.read(2, "holding", 0, 1, 1000)).toEqual([41000]);
    // An exception is an answer: the socket to the converter was kept.
    expect(seven.stats()).toMatchObject({
      requests: 3,
      answered: 2,
      exceptions: 1,
      timeouts: 0,
      connects: 1,
    });
  });

  it("takes concurrent reads of units 1 and 2 one at a time, each answer for the unit that asked", async () => {
    const asked = range(0, 24).map((i) => {
      const unit = (i % 2) + 1;
      const table = i % 4 < 2 ? ("holding" as const) : ("input" as const);
      return { unit, table, address: i, count: 1 + (i % 3) };
    });
    const reads = await Promise.all(
      asked.map(({ unit, table, address, count }) =>
        (unit === 1 ? on.one : on.two).read(unit, table, address, count, 2000),
      ),
    );
    expect(reads).toEqual(
      asked.map(({ unit, table, address, count }) =>
        range(0, count).map((k) => (table === "holding" ? HOLDING : INPUT)(unit, address + k)),
      ),
    );
    expect(on.one.stats()).toMatchObject({ requests: 24, answered: 24, maxInFlight: 1, connects: 1 });
  });
});

describe("a TCP-to-RTU converter that stays silent for a unit absent from its line", () => {
  let target: LinkTarget;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ target, stop } = await startConverterOnLine("silent"));
  });
  afterAll(() => stop?.());
  const on = usePool(() => target);

  it("surfaces the absent unit as our timeout, a timeout for classify; the line stays usable", async () => {
    const seven = on.pool.acquire(target, 7);
    const silence = await seven.read(7, "holding", 0, 1, 1500).catch((e: unknown) => e);
    expect(silence).toBeInstanceOf(ModbusTimeoutError);
    expect(silence).toMatchObject({ timeoutMs: 1500, unit: 7 });
    expect(classifyFailure(silence, "unit 7").kind).toBe("timeout");

    expect(await on.two.read(2, "input", 10, 3, PAST_CONVERTER_MS)).toEqual([31010, 31011, 31012]);
    expect(await on.one.read(1, "holding", 50, 2, PAST_CONVERTER_MS)).toEqual([40050, 40051]);
    expect(seven.stats()).toMatchObject({ requests: 3, answered: 2, timeouts: 1 });
  });
});
