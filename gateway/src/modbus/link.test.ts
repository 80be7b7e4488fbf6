import { MODBUS_EXCEPTION, ModbusException, type RtuServerHandle, startRtuServer } from "@jisr/simulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/servers/free-port.js";
import { type PtyPair, startPtyPair } from "../../../test/servers/socat.js";
import { type ModbusTcpProxy, startModbusTcpProxy } from "../drivers/testing/modbus-tcp-proxy.js";
import { LinkConfigError, ModbusExceptionError, ModbusTimeoutError, ModbusTransportError } from "./errors.js";
import { createModbusLink, type ManagedLink, openModbusLink } from "./link.js";
import { LinkPool } from "./link-pool.js";
import { type RegisterServer, startRegisterServer } from "./register-server.js";
import { interFrameGapMs } from "./requests.js";
import type { SerialLine } from "./target.js";

/** The link and the pool on the real wire: Modbus TCP on loopback, Modbus RTU on a socat pty pair. */

const WORDS = Array.from({ length: 200 }, (_, i) => 1000 + i);

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("ModbusLink over TCP", () => {
  let server: RegisterServer;
  let proxy: ModbusTcpProxy;
  const opened: ManagedLink[] = [];
  beforeAll(async () => {
    server = await startRegisterServer([{ start: 100, words: WORDS }]);
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.close()));
    await proxy?.close();
  });

  const link = (port: number, options: Parameters<typeof createModbusLink>[1] = {}) => {
    const l = createModbusLink({ host: "127.0.0.1", port }, options);
    opened.push(l);
    return l;
  };

  it("reads registers, and tells an exception response from a timeout", async () => {
    const l = link(server.port);
    expect(await l.read(1, "holding", 100, 3, 1000)).toEqual([1000, 1001, 1002]);
    expect(await l.read(1, "holding", 100, 125, 1000)).toEqual(WORDS.slice(0, 125));

    const refused = await failure(l.read(1, "holding", 5, 2, 1000));
    expect(refused).toBeInstanceOf(ModbusExceptionError);
    expect(refused).toMatchObject({
      kind: "exception",
      code: 2,
      exceptionName: "ILLEGAL_DATA_ADDRESS",
      unit: 1,
    });
    expect(refused.message).toBe("Modbus exception 2 (ILLEGAL_DATA_ADDRESS)");

    const silent = await startRegisterServer([], { silent: true });
    try {
      const s = link(silent.port);
      const timeout = await failure(s.read(3, "holding", 0, 1, 100));
      expect(timeout).toBeInstanceOf(ModbusTimeoutError);
      expect(timeout).toMatchObject({ kind: "timeout", unit: 3, where: `127.0.0.1:${silent.port}` });
      expect(timeout.message).toBe("no answer within 100 ms (timed out)");
    } finally {
      await silent.close();
    }
  });

  it("refuses a request beyond the protocol's limits without sending it", async () => {
    const l = link(server.port);
    expect((await failure(l.read(1, "holding", 0, 126, 100))).message).toBe(
      "cannot read 126 holding values at once: 1 to 125",
    );
    expect(await failure(l.read(1, "coil", 65_535, 2, 100))).toBeInstanceOf(RangeError);
    expect(l.stats().requests).toBe(0);
  });

  it("takes concurrent requests on a plain TCP device, one at a time when told to serialise", async () => {
    const free = link(server.port);
    const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => free.read(1, "holding", 100 + i, 1, 1000)));
    expect(answers).toEqual([[1000], [1001], [1002], [1003], [1004]]);
    expect(free.stats().maxInFlight).toBeGreaterThan(1);

    const serial = link(server.port, { serialise: true });
    await Promise.all([0, 1, 2, 3, 4].map((i) => serial.read(i + 1, "holding", 100 + i, 1, 1000)));
    expect(serial.stats()).toMatchObject({ requests: 5, answered: 5, maxInFlight: 1 });
  });

  it("backs off after a refused connection, then connects by itself", async () => {
    const port = await freePort();
    let now = 1_000_000;
    const l = link(port, { clock: () => now, reconnect: { initialMs: 1000, maxMs: 10_000 } });
    const refused = await failure(l.read(1, "holding", 100, 1, 500));
    expect(refused).toBeInstanceOf(ModbusTransportError);
    expect(refused.message).toBe(
      `cannot connect to 127.0.0.1:${port}: connection refused (is Modbus TCP enabled on it?)`,
    );

    // Within the backoff nothing is tried: the same reason, and when the next attempt comes.
    const waiting = await failure(l.read(1, "holding", 100, 1, 500));
    expect(waiting.message).toMatch(
      /connection refused \(is Modbus TCP enabled on it\?\); next attempt in \d+ ms$/,
    );
    expect(l.stats().connectFailures).toBe(1);

    proxy = await startModbusTcpProxy({ host: "127.0.0.1", port: server.port });
    const moved = link(proxy.port, { clock: () => now });
    await proxy.pause();
    await failure(moved.read(1, "holding", 100, 1, 500));
    await proxy.resume();
    now += 1000; // the first delay is 500 to 1000 ms
    expect(await moved.read(1, "holding", 100, 1, 500)).toEqual([1000]);
    expect(moved.stats()).toMatchObject({ connects: 1, connectFailures: 1 });
  });

  it("recreates the connection after the peer drops it", async () => {
    proxy = await startModbusTcpProxy({ host: "127.0.0.1", port: server.port });
    const l = link(proxy.port);
    expect(await l.read(1, "holding", 100, 1, 1000)).toEqual([1000]);
    proxy.dropConnections();
    await until("the link sees the connection closed", () => !l.isOpen);
    expect(await l.read(1, "holding", 101, 1, 1000)).toEqual([1001]);
    expect(proxy.connections).toBe(2);
    expect(l.stats()).toMatchObject({ connects: 2, timeouts: 0 });
  });

  it("settles a request in flight when the connection drops, without waiting for its timeout", async () => {
    const silent = await startRegisterServer([], { silent: true });
    proxy = await startModbusTcpProxy({ host: "127.0.0.1", port: silent.port });
    try {
      const l = link(proxy.port);
      await l.connect();
      const pending = failure(l.read(1, "holding", 0, 1, 20_000));
      await until("the request is on the wire", () => proxy.requests.length === 1);
      proxy.dropConnections();
      const err = await pending;
      expect(err).toBeInstanceOf(ModbusTransportError);
      expect(err.message).toBe("connection closed");
      expect(l.stats()).toMatchObject({ timeouts: 0, transportErrors: 1, inFlight: 0 });
    } finally {
      await silent.close();
    }
  });

  it("opens now with openModbusLink, and names the target when it cannot", async () => {
    const l = await openModbusLink({ host: "127.0.0.1", port: server.port });
    opened.push(l);
    expect(l.stats().connects).toBe(1);
    expect(l.where).toBe(`127.0.0.1:${server.port}`);
    const port = await freePort();
    const err = await failure(openModbusLink({ host: "127.0.0.1", port }));
    expect(err.message).toBe(
      `cannot connect to 127.0.0.1:${port}: connection refused (is Modbus TCP enabled on it?)`,
    );
  });
});

describe("ModbusLink over RTU (socat pty pair)", () => {
  let pty: PtyPair;
  let rtu: RtuServerHandle;
  const line = (): SerialLine => ({ path: pty.b, baud: 9600, parity: "none", data_bits: 8, stop_bits: 1 });
  const device = (offset: number) => ({
    read: (addr: number, count: number) => {
      if (addr < 100 || addr + count > 300)
        throw new ModbusException(MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS, "no");
      return WORDS.slice(addr - 100, addr - 100 + count).map((w) => w + offset);
    },
    readInput: (addr: number, count: number) => Array.from({ length: count }, (_, i) => offset + addr + i),
  });

  beforeAll(async () => {
    pty = await startPtyPair();
    rtu = await startRtuServer({
      path: pty.a,
      devices: new Map([
        [1, device(0)],
        [2, device(20_000)],
      ]),
    });
  });
  afterAll(async () => {
    await rtu.close();
    await pty.stop();
  });

  it("reads several units one request at a time, in the order asked, through one port", async () => {
    const l = createModbusLink({ serial: line() });
    try {
      expect(l.serialised).toBe(true);
      expect(l.where).toBe(`${pty.b} 9600 8N1`);
      // Units not heard from yet wait behind units that answer (fairness, see link.ts): let both answer
      // once, so the order below is the order asked.
      await Promise.all([l.read(1, "holding", 100, 1, 1000), l.read(2, "holding", 100, 1, 1000)]);
      const before = rtu.requests.length;
      const asked = [1, 2, 1, 2, 2, 1];
      const answers = await Promise.all(asked.map((unit, i) => l.read(unit, "holding", 100 + i, 2, 1000)));
      expect(answers).toEqual(
        asked.map((unit, i) => [1000 + i, 1001 + i].map((w) => w + (unit === 2 ? 20_000 : 0))),
      );
      expect(rtu.requests.slice(before).map((r) => [r.unit, r.address])).toEqual(
        asked.map((u, i) => [u, 100 + i]),
      );
      expect(l.stats()).toMatchObject({ requests: 8, answered: 8, maxInFlight: 1, connects: 1 });
      expect(await l.read(2, "input", 7, 2, 1000)).toEqual([20_007, 20_008]);
    } finally {
      await l.close();
    }
  });

  it("keeps the line open when a unit is silent, and surfaces exceptions as typed errors", async () => {
    const l = createModbusLink({ serial: line() });
    try {
      for (let i = 0; i < 3; i++) {
        const timeout = await failure(l.read(9, "holding", 100, 1, 100));
        expect(timeout).toMatchObject({ kind: "timeout", unit: 9, where: `${pty.b} 9600 8N1` });
      }
      const exception = await failure(l.read(1, "holding", 10, 1, 1000));
      expect(exception).toMatchObject({ kind: "exception", code: 2, exceptionName: "ILLEGAL_DATA_ADDRESS" });
      expect(await l.read(1, "holding", 100, 1, 1000)).toEqual([1000]);
      expect(l.stats()).toMatchObject({ timeouts: 3, exceptions: 1, connects: 1 });
    } finally {
      await l.close();
    }
  });

  it("lets units that answer go before a silent unit's waiting requests, and measures the line's load", async () => {
    const l = createModbusLink({ serial: line() });
    try {
      await failure(l.read(9, "holding", 100, 1, 300)); // nobody answers unit 9
      await l.read(1, "holding", 100, 1, 1000);
      const order: number[] = [];
      const ask = (unit: number) =>
        l.read(unit, "holding", 100, 1, 300).then(
          () => order.push(unit),
          () => order.push(unit),
        );
      // The line is idle: unit 9's first request goes at once; its second waits behind unit 1's two,
      // although asked before them.
      await Promise.all([ask(9), ask(9), ask(1), ask(1)]);
      expect(order).toEqual([9, 1, 1, 9]);
      const load = l.load();
      expect(load.window_ms).toBe(60_000);
      expect(load.units[0]).toMatchObject({ unit: 9, requests: 3, timeouts: 3 });
      expect(load.units[0]?.busy_ms).toBeGreaterThanOrEqual(850);
      expect(load.units[1]).toMatchObject({ unit: 1, requests: 3, timeouts: 0 });
      expect(load.busy_ms).toBeGreaterThanOrEqual(
        (load.units[0]?.busy_ms ?? 0) + (load.units[1]?.busy_ms ?? 0) - 2,
      );
    } finally {
      await l.close();
    }
  });

  it("keeps 3.5 character times of silence between frames", () => {
    expect(interFrameGapMs(9600)).toBeCloseTo(4.01, 2);
    expect(interFrameGapMs(115_200)).toBe(1.75);
  });

  it("names the port and what to check when it cannot be opened", async () => {
    const err = await failure(openModbusLink({ serial: { ...line(), path: `${pty.b}-missing` } }));
    expect(err).toBeInstanceOf(ModbusTransportError);
    expect(err.message).toMatch(
      new RegExp(
        `^cannot open serial port ${pty.b}-missing: .*No such file or directory.* \\(is the RS-485 adapter plugged in\\? check the path\\)$`,
      ),
    );
  });
});

describe("LinkPool", () => {
  let server: RegisterServer;
  beforeAll(async () => {
    server = await startRegisterServer([{ start: 100, words: WORDS }]);
  });
  afterAll(() => server.close());
  const tcp = () => ({ host: "127.0.0.1", port: server.port });
  const serial = (path: string, baud = 9600): { serial: SerialLine } => ({
    serial: { path, baud, parity: "none", data_bits: 8, stop_bits: 1 },
  });

  it("gives the devices of one TCP endpoint one link, serialised once two unit ids share it", async () => {
    const pool = new LinkPool();
    const one = pool.acquire(tcp(), 1);
    expect(one.serialised).toBe(false);
    const alsoOne = pool.acquire({ host: "127.0.0.1", port: server.port }, 1);
    expect(one.serialised).toBe(false); // one unit id, two devices: still a plain TCP device
    const two = pool.acquire(tcp(), 2);
    expect(one.serialised).toBe(true); // a TCP-to-RTU converter with two units behind it
    await Promise.all([one.read(1, "holding", 100, 1, 1000), two.read(2, "holding", 101, 1, 1000)]);
    expect(pool.buses()).toEqual([
      expect.objectContaining({ where: `127.0.0.1:${server.port}`, units: [1, 2], users: 3 }),
    ]);
    expect(one.stats()).toMatchObject({ requests: 2, connects: 1, maxInFlight: 1 });

    await two.close();
    await two.close(); // idempotent
    expect(one.serialised).toBe(false);
    await alsoOne.close();
    expect(pool.buses()).toHaveLength(1);
    await one.close();
    expect(pool.buses()).toEqual([]);
    expect(await failure(one.read(1, "holding", 100, 1, 100))).toBeInstanceOf(ModbusTransportError);
  });

  it("shares a serial port among its devices, and refuses other line settings on it", async () => {
    const pool = new LinkPool();
    const a = pool.acquire(serial("/dev/ttyJISR-test"), 1);
    const b = pool.acquire(serial("/dev/ttyJISR-test"), 2);
    expect(pool.buses()).toEqual([expect.objectContaining({ units: [1, 2], users: 2, serialised: true })]);
    expect(() => pool.acquire(serial("/dev/ttyJISR-test", 19_200), 3)).toThrow(LinkConfigError);
    expect(() => pool.acquire(serial("/dev/ttyJISR-test", 19_200), 3)).toThrow(
      "serial port /dev/ttyJISR-test is already used at 9600 8N1 by another device, not 19200 8N1",
    );
    const elsewhere = pool.acquire(serial("/dev/ttyJISR-other", 19_200), 1);
    expect(pool.buses()).toHaveLength(2);
    await Promise.all([a.close(), b.close(), elsewhere.close()]);
    expect(pool.buses()).toEqual([]);
  });
});
