// Over real TCP with modbus-serial's client, decoding registers by the SunSpec specification's
// offsets (not by our layout code), as the gateway will.
import Modbus from "modbus-serial";
import { afterEach, describe, expect, it } from "vitest";
import { type SunspecInverterHandle, startSunspecInverter } from "./sunspec-inverter.js";

// modbus-serial is CommonJS: under NodeNext its default import is module.exports, whose `default`
// property is the client class (index.js sets module.exports.default = module.exports).
const ModbusRTU = Modbus.default;
type ModbusRTU = InstanceType<typeof Modbus.default>;

const JUNE_NOON = new Date("2026-06-21T12:30:00Z");
const open: { close(): unknown }[] = [];

afterEach(async () => {
  // Newest first: clients close while their server still runs, so their "close" event fires.
  for (const item of open.splice(0).reverse()) await item.close();
});

async function start(opts: Parameters<typeof startSunspecInverter>[0]): Promise<SunspecInverterHandle> {
  const inv = await startSunspecInverter(opts);
  open.push(inv);
  return inv;
}

async function client(port: number, unit = 1, timeoutMs = 2000): Promise<ModbusRTU> {
  const c = new ModbusRTU();
  await c.connectTCP("127.0.0.1", { port });
  c.setID(unit);
  c.setTimeout(timeoutMs);
  open.push({
    close: () => new Promise<void>((resolve) => (c.isOpen ? c.close(() => resolve()) : resolve())),
  });
  return c;
}

async function read(c: ModbusRTU, addr: number, count: number): Promise<number[]> {
  return (await c.readHoldingRegisters(addr, count)).data;
}

const s16 = (r: number) => (r >= 0x8000 ? r - 0x10000 : r);
const ascii = (regs: number[]) =>
  Buffer.from(regs.flatMap((r) => [r >> 8, r & 0xff]))
    .toString("latin1")
    .replace(/\0+$/, "");

/** Walk the model chain from 40002 by ID and L; returns [id, address] up to the end marker. */
async function walk(c: ModbusRTU): Promise<{ models: [number, number][]; end: number[] }> {
  const models: [number, number][] = [];
  let addr = 40002;
  for (let guard = 0; guard < 20; guard++) {
    const [id = 0, len = 0] = await read(c, addr, 2);
    if (id === 0xffff) return { models, end: [id, len] };
    models.push([id, addr]);
    addr += 2 + len;
  }
  throw new Error("no end marker within 20 models");
}

/** Model 103 values decoded with the spec offsets: W +14, W_SF +15, WH +24/25, WH_SF +26, St +38. */
function decode103(regs: number[]) {
  const r = (i: number) => regs[i] ?? Number.NaN;
  return {
    W: s16(r(14)) * 10 ** s16(r(15)),
    WH: (r(24) * 0x10000 + r(25)) * 10 ** s16(r(26)),
    DCW: s16(r(31)) * 10 ** s16(r(32)),
    St: r(38),
  };
}

describe("startSunspecInverter over Modbus TCP", () => {
  it("serves SunS and the model chain 1 → 103 → 160 → end marker", async () => {
    const inv = await start({ port: 0, start: JUNE_NOON, tickMs: 0, seed: 5, unit: 3 });
    const c = await client(inv.port, 3);
    expect(await read(c, 40000, 2)).toEqual([0x5375, 0x6e53]);
    const { models, end } = await walk(c);
    expect(models.map(([id]) => id)).toEqual([1, 103, 160]);
    expect(models.map(([, addr]) => addr)).toEqual([40002, 40070, 40122]);
    expect(end).toEqual([0xffff, 0]);

    const common = await read(c, 40002, 68);
    expect(ascii(common.slice(2, 18))).toBe("Jisr Sim");
    expect(ascii(common.slice(18, 34))).toMatch(/^SIM-3P-10KWP$/);
    expect(ascii(common.slice(50, 66))).toBe("JSIM-5-3");
    expect(common[66]).toBe(3);
    const mppt = await read(c, 40122, 50);
    expect(mppt.slice(0, 2)).toEqual([160, 48]);
    expect(mppt[8]).toBe(2);
    expect(ascii(mppt.slice(11, 19))).toBe("MPPT 1");
  });

  it("serves W and WH that decode to what servedAt says was served", async () => {
    const inv = await start({ port: 0, start: JUNE_NOON, tickMs: 0, clouds: false });
    const c = await client(inv.port);
    inv.tick();
    const got = decode103(await read(c, 40070, 52));
    const served = inv.servedAt(Date.now());
    expect(served).toBeDefined();
    expect(got).toEqual({ W: served?.values.W, WH: served?.values.WH, DCW: served?.values.DCW, St: 4 });
    expect(got.W).toBeGreaterThan(7500);
    expect(got.WH).toBeGreaterThan(0);
  });

  it("matches a served snapshot while ticking on its own at high speed", async () => {
    const inv = await start({ port: 0, start: JUNE_NOON, tickMs: 10, speed: 600 });
    const c = await client(inv.port);
    for (let i = 0; i < 10; i++) {
      const before = Date.now();
      const got = decode103(await read(c, 40070, 52));
      const after = Date.now();
      const from = inv.servedAt(before)?.at ?? 0;
      const candidates = inv.history.toArray().filter((s) => s.at >= from && s.at <= after);
      expect(
        candidates.map((s) => ({ W: s.values.W, WH: s.values.WH, DCW: s.values.DCW, St: s.values.St })),
      ).toContainEqual(got);
    }
  });

  it("counts WH up, never down, as sim time runs fast", async () => {
    const inv = await start({ port: 0, start: new Date("2026-06-21T07:00:00Z"), tickMs: 10, speed: 3600 });
    const c = await client(inv.port);
    let last = decode103(await read(c, 40070, 52)).WH;
    let increases = 0;
    const deadline = Date.now() + 10_000;
    while (increases < 5 && Date.now() < deadline) {
      const wh = decode103(await read(c, 40070, 52)).WH;
      expect(wh).toBeGreaterThanOrEqual(last);
      if (wh > last) increases++;
      last = wh;
    }
    expect(increases).toBe(5);
  });

  it("serves W = 0 and St OFF or SLEEPING at night", async () => {
    const inv = await start({ port: 0, start: new Date("2026-06-21T00:30:00Z"), tickMs: 0 });
    const c = await client(inv.port);
    const v = decode103(await read(c, 40070, 52));
    expect(v.W).toBe(0);
    expect([1, 2]).toContain(v.St);
  });

  it("does not answer another unit id", async () => {
    const inv = await start({ port: 0, unit: 1, start: JUNE_NOON, tickMs: 0 });
    const wrong = await client(inv.port, 2, 300);
    await expect(read(wrong, 40000, 2)).rejects.toThrow(/Timed out/);
    expect(await read(await client(inv.port, 1), 40000, 2)).toEqual([0x5375, 0x6e53]);
  });

  it("answers illegal data address outside the image and to writes", async () => {
    const inv = await start({ port: 0, start: JUNE_NOON, tickMs: 0 });
    const c = await client(inv.port);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "none",
        (e: { modbusCode?: number }) => e.modbusCode,
      );
    expect(await code(c.readHoldingRegisters(39_990, 10))).toBe(2);
    expect(await code(c.readHoldingRegisters(40_170, 10))).toBe(2);
    expect(await code(c.readHoldingRegisters(0, 2))).toBe(2);
    expect(await code(c.writeRegister(40_069, 7))).toBe(2);
    expect(await read(c, 40_172, 2)).toEqual([0xffff, 0]);
  });

  it("injects faults: a trip serves St FAULT, W 0 and Evt1 GROUND_FAULT", async () => {
    const inv = await start({ port: 0, start: JUNE_NOON, tickMs: 0 });
    const c = await client(inv.port);
    inv.setFault({ trip: true });
    const regs = await read(c, 40070, 52);
    expect(decode103(regs)).toMatchObject({ W: 0, St: 7 });
    expect([regs[40], regs[41]]).toEqual([0, 1]);
    expect(inv.faults.trip).toBe(true);
  });

  it("rejects invalid options naming the field", async () => {
    await expect(startSunspecInverter({ port: -1 })).rejects.toThrow(/port: /);
    await expect(startSunspecInverter({ port: 0, unit: 300 })).rejects.toThrow(/unit: /);
  });
});
