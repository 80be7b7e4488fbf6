import { describe, expect, it } from "vitest";
import { decodePoint, decodeRaw, decodeString, wordsToBits } from "./decode.js";
import { encodePoint, encodeRaw } from "./encode.js";
import { type ProfilePoint, sentinelBits } from "./profile.js";
import type { ValueType } from "./register-types.js";

function point(over: Partial<ProfilePoint>): ProfilePoint {
  return {
    name: "p",
    table: "holding",
    address: 0,
    type: "uint16",
    size: 1,
    wordOrder: "big",
    tags: {},
    sentinels: [],
    ...over,
  };
}

describe("decodeRaw, per type and word order", () => {
  it.each<[ValueType, number[], "big" | "little", number | string | boolean]>([
    ["uint16", [0xfffe], "big", 65534],
    ["int16", [0xfffe], "big", -2],
    ["int16", [0x7fff], "big", 32767],
    ["uint32", [0x0001, 0x0002], "big", 65538],
    ["uint32", [0x0002, 0x0001], "little", 65538],
    ["int32", [0xffff, 0xfffe], "big", -2],
    ["int32", [0xfffe, 0xffff], "little", -2],
    ["int32", [0x8000, 0x0000], "big", -2147483648],
    ["float32", [0x4366, 0x199a], "big", 230.10000610351562],
    ["float32", [0x199a, 0x4366], "little", 230.10000610351562],
    ["uint64", [0x0000, 0x0001, 0x0000, 0x0000], "big", 4294967296],
    ["uint64", [0x0000, 0x0000, 0x0001, 0x0000], "little", 4294967296],
    ["int64", [0xffff, 0xffff, 0xffff, 0xfffd], "big", -3],
    ["int64", [0xfffd, 0xffff, 0xffff, 0xffff], "little", -3],
    ["string", [0x5355, 0x4e32, 0x3030, 0x3000, 0x0000], "big", "SUN2000"],
    ["bool", [1], "big", true],
    ["bool", [0], "big", false],
  ])("%s %j (%s) is %j", (type, words, order, expected) => {
    expect(decodeRaw(type, words, order)).toBe(expected);
  });

  it("reads the words of a value high word first, or low word first", () => {
    expect(wordsToBits([0x1234, 0x5678], "big")).toBe(0x12345678n);
    expect(wordsToBits([0x1234, 0x5678], "little")).toBe(0x56781234n);
  });

  it("drops NULs and trailing spaces of a string", () => {
    expect(decodeString([0x4142, 0x2020, 0x0000])).toBe("AB");
    expect(decodeString([0x0000, 0x4142])).toBe("");
  });

  it.each<[ValueType, number, "big" | "little"]>([
    ["int16", -1234, "big"],
    ["uint32", 4_000_000_000, "little"],
    ["int32", -70_000, "big"],
    ["int64", -5_000_000_000, "little"],
    ["uint64", 2 ** 40 + 7, "big"],
  ])("encodes and decodes %s %d (%s) to the same value", (type, value, order) => {
    expect(decodeRaw(type, encodeRaw(type, value, order), order)).toBe(value);
  });

  it("refuses to encode a value that does not fit its type", () => {
    expect(() => encodeRaw("int16", 40_000)).toThrow("does not fit in int16");
    expect(() => encodeRaw("uint16", -1)).toThrow("does not fit in uint16");
    expect(() => encodeRaw("uint32", 1.5)).toThrow("needs a whole number");
  });
});

describe("decodePoint", () => {
  it("applies a scale, without float noise", () => {
    expect(decodePoint(point({ scale: 0.1 }), [2345]).value).toBe(234.5);
    expect(decodePoint(point({ type: "int32", size: 2, scale: 10 }), [0, 1234]).value).toBe(12340);
  });

  it("applies a scale register as a power of ten, and gives null when the factor is missing", () => {
    const p = point({ type: "int16", scaleRegister: "sf" });
    expect(decodePoint(p, [1234], -2).value).toBe(12.34);
    expect(decodePoint(p, [1234], 0).value).toBe(1234);
    expect(decodePoint(p, [1234], null).value).toBeNull();
  });

  it("gives null for a sentinel, compared on the register bits", () => {
    const p = point({ type: "int16", sentinels: [0x7fffn, 0x8000n] });
    expect(decodePoint(p, [0x7fff]).value).toBeNull();
    expect(decodePoint(p, [0x8000]).value).toBeNull();
    expect(decodePoint(p, [0x7ffe]).value).toBe(32766);
    const little = point({ type: "uint32", size: 2, wordOrder: "little", sentinels: [0xffff0000n] });
    expect(decodePoint(little, [0x0000, 0xffff]).value).toBeNull();
  });

  it("takes 64-bit sentinels written as hex strings, beyond what a YAML number can hold", () => {
    const p = point({ type: "uint64", size: 4, sentinels: [sentinelBits("0xFFFFFFFFFFFFFFFF", 64)] });
    expect(decodePoint(p, [0xffff, 0xffff, 0xffff, 0xffff]).value).toBeNull();
    expect(decodePoint(p, [0, 0, 0, 42]).value).toBe(42);
    expect(sentinelBits(-1, 16)).toBe(0xffffn);
  });

  it("gives null for a float32 NaN, and rounds a float32 to its 7 significant digits", () => {
    const p = point({ type: "float32", size: 2 });
    expect(decodePoint(p, [0x7fc0, 0x0000]).value).toBeNull();
    expect(decodePoint(p, [0x4366, 0x199a]).value).toBe(230.1);
  });

  it("names an enum value, and says UNKNOWN_<n> for a value the profile does not name", () => {
    const p = point({ enum: new Map([[0x200, "ON_GRID"]]), unit: undefined });
    expect(decodePoint(p, [0x200])).toEqual({ point: "p", value: "ON_GRID", raw: 512 });
    expect(decodePoint(p, [0x301]).value).toBe("UNKNOWN_769");
  });

  it("lists the set bits of a bitfield by name, unnamed ones as BIT_<n>", () => {
    const p = point({
      bitfield: new Map([
        [0, "HIGH_STRING_VOLTAGE"],
        [2, "STRING_REVERSED"],
      ]),
    });
    expect(decodePoint(p, [0b10101])).toEqual({
      point: "p",
      value: 21,
      raw: 21,
      flags: ["HIGH_STRING_VOLTAGE", "STRING_REVERSED", "BIT_4"],
    });
    expect(decodePoint(p, [0]).flags).toEqual([]);
  });

  it("reads a coil as a boolean, and a string as null when it is all NULs", () => {
    expect(decodePoint(point({ table: "coil", type: "bool" }), [1]).value).toBe(true);
    expect(decodePoint(point({ type: "string", size: 2 }), [0, 0]).value).toBeNull();
  });

  it("encodes what it decodes: scaled numbers, enum names, bitfield names and 'not available'", () => {
    const scaled = point({ type: "int32", size: 2, scale: 0.001, wordOrder: "little" });
    expect(decodePoint(scaled, encodePoint(scaled, -12.345)).value).toBe(-12.345);
    const state = point({ enum: new Map([[3, "FAULT"]]) });
    expect(decodePoint(state, encodePoint(state, "FAULT")).value).toBe("FAULT");
    const alarms = point({
      bitfield: new Map([
        [1, "A"],
        [3, "B"],
      ]),
    });
    expect(decodePoint(alarms, encodePoint(alarms, ["A", "B"])).flags).toEqual(["A", "B"]);
    const withSentinel = point({ sentinels: [0xffffn] });
    expect(decodePoint(withSentinel, encodePoint(withSentinel, null)).value).toBeNull();
    expect(() => encodePoint(point({}), null)).toThrow('point p has no "not available" value');
  });
});
