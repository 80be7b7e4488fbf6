import { describe, expect, it } from "vitest";
import { NOT_IMPLEMENTED, pickScaleFactor, registersToString, stringToRegisters } from "./encode.js";
import { MODEL_COMMON, MODEL_INVERTER_3P, MODEL_MPPT } from "./models.js";
import { ModbusException, pointKey, SunSpecRegisterBank } from "./register-bank.js";

function bank(): SunSpecRegisterBank {
  return new SunSpecRegisterBank([
    { def: MODEL_COMMON },
    { def: MODEL_INVERTER_3P },
    { def: MODEL_MPPT, repeatCount: 2 },
  ]);
}

describe("SunSpecRegisterBank", () => {
  it("lays out SunS, models 1/103/160 with ID and L, and the end marker", () => {
    const b = bank();
    expect(b.read(40000, 4)).toEqual([0x5375, 0x6e53, 1, 66]);
    expect(b.modelAddress(103)).toBe(40070);
    expect(b.read(40070, 2)).toEqual([103, 50]);
    expect(b.modelAddress(160)).toBe(40122);
    expect(b.read(40122, 2)).toEqual([160, 48]);
    expect(b.read(40172, 2)).toEqual([0xffff, 0]);
    expect(b.address(pointKey(103, "W"))).toBe(40084);
    expect(b.address(pointKey(160, "DCA", 2))).toBe(40122 + 10 + 20 + 9);
  });

  it("starts every point at its not-implemented sentinel", () => {
    const b = bank();
    const reg = (k: string) => b.read(b.address(k), 1)[0];
    expect(reg(pointKey(103, "W"))).toBe(0x8000);
    expect(reg(pointKey(103, "A"))).toBe(0xffff);
    expect(reg(pointKey(103, "W_SF"))).toBe(0x8000);
    expect(reg(pointKey(103, "St"))).toBe(0xffff);
    expect(b.read(b.address(pointKey(103, "WH")), 2)).toEqual([0, 0]);
    expect(b.read(b.address(pointKey(103, "Evt1")), 2)).toEqual([0xffff, 0xffff]);
    expect(b.read(b.address(pointKey(160, "Tms", 1)), 2)).toEqual([0xffff, 0xffff]);
    expect(b.read(b.address(pointKey(1, "Mn")), 16)).toEqual(new Array(16).fill(0));
    expect(NOT_IMPLEMENTED.int32).toBe(0x80000000);
  });

  it("scales with the SF in the bank and decodes what a client would", () => {
    const b = bank();
    b.setRaw(pointKey(103, "W_SF"), 1);
    b.setScaled(pointKey(103, "W"), 12_345);
    expect(b.read(b.address(pointKey(103, "W")), 2)).toEqual([1235, 1]);
    expect(b.getScaled(pointKey(103, "W"))).toBe(12_350);
    b.setRaw(pointKey(103, "Hz_SF"), -2);
    b.setScaled(pointKey(103, "Hz"), 49.987);
    expect(b.getScaled(pointKey(103, "Hz"))).toBe(49.99);
    b.setRaw(pointKey(103, "Tmp_SF"), -1);
    b.setScaled(pointKey(103, "TmpCab"), -3.26);
    expect(b.read(b.address(pointKey(103, "TmpCab")), 1)).toEqual([0x10000 - 33]);
    expect(b.getScaled(pointKey(103, "TmpCab"))).toBe(-3.3);
  });

  it("writes 32-bit values big-endian, wraps acc32 and clamps off the sentinels", () => {
    const b = bank();
    b.setRaw(pointKey(103, "WH_SF"), 0);
    b.setScaled(pointKey(103, "WH"), 70_000);
    expect(b.read(b.address(pointKey(103, "WH")), 2)).toEqual([1, 70_000 - 65_536]);
    b.setRaw(pointKey(103, "WH"), 2 ** 32 + 5);
    expect(b.getRaw(pointKey(103, "WH"))).toBe(5);
    b.setRaw(pointKey(103, "W"), -40_000);
    expect(b.getRaw(pointKey(103, "W"))).toBe(-32_767);
    b.setRaw(pointKey(103, "A"), 70_000);
    expect(b.getRaw(pointKey(103, "A"))).toBe(0xfffe);
  });

  it("stores strings two characters per register, NUL padded", () => {
    const b = bank();
    b.setString(pointKey(1, "Mn"), "Jisr Sim");
    expect(b.read(b.address(pointKey(1, "Mn")), 5)).toEqual([0x4a69, 0x7372, 0x2053, 0x696d, 0]);
    expect(b.getString(pointKey(1, "Mn"))).toBe("Jisr Sim");
    expect(registersToString(stringToRegisters("a-very-long-serial-number", 4))).toBe("a-very-l");
  });

  it("answers illegal data address outside the image and illegal value for a bad count", () => {
    const b = bank();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ModbusException ? e.modbusErrorCode : "other";
      }
      return "none";
    };
    expect(code(() => b.read(39_999, 2))).toBe(2);
    expect(code(() => b.read(40_173, 2))).toBe(2);
    expect(code(() => b.read(40_100, 125))).toBe(2);
    expect(code(() => b.read(40_000, 126))).toBe(3);
    expect(code(() => b.read(40_172, 2))).toBe("none");
    expect(() => b.setRaw("103.Nope", 1)).toThrow(/unknown SunSpec point "103.Nope"/);
  });
});

describe("pickScaleFactor", () => {
  it("keeps resolution for small plants and range for big ones", () => {
    expect(pickScaleFactor(9_500, 32_767, 0)).toBe(0);
    expect(pickScaleFactor(95_000, 32_767, 0)).toBe(1);
    expect(pickScaleFactor(50, 65_534, -2)).toBe(-2);
    expect(pickScaleFactor(900, 65_534, -2)).toBe(-1);
  });
});
