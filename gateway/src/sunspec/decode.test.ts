import { describe, expect, it } from "vitest";
import { decodeModel } from "./decode.js";
import { applyScale, decodeRaw } from "./decode-values.js";
import { DecodedModelSchema } from "./decoded-schema.js";
import { defaultModels, type SunspecModelMap } from "./models.js";

/** Register words are written out by hand here, offsets from the SunSpec model tables (DOMAIN.md 6.3). */

const NI16 = 0xffff;
const int16 = (n: number) => n & 0xffff;
const ascii = (text: string, size: number) => {
  const buf = Buffer.alloc(size * 2);
  buf.write(text, "latin1");
  return Array.from({ length: size }, (_, i) => buf.readUInt16BE(i * 2));
};
const float32 = (n: number): [number, number] => {
  const buf = Buffer.alloc(4);
  buf.writeFloatBE(n);
  return [buf.readUInt16BE(0), buf.readUInt16BE(2)];
};

function map(id: number): SunspecModelMap {
  const m = defaultModels().get(id);
  if (!m) throw new Error(`no map for model ${id}`);
  return m;
}

/** Model 103, L = 50: ID at 0, A at 2 ... Evt1 at 40, EvtVnd4 at 50. */
function inverter103(): number[] {
  const w = new Array<number>(52).fill(NI16);
  w[0] = 103;
  w[1] = 50;
  [w[2], w[3], w[4], w[5], w[6]] = [125, 42, 41, 42, int16(-1)]; // A, AphA-C, A_SF = -1 (0xFFFF, not a sentinel)
  [w[10], w[11], w[12], w[13]] = [2301, 2299, NI16, int16(-1)]; // PhVphA, PhVphB, PhVphC not implemented, V_SF
  [w[14], w[15]] = [250, 1]; // W = 250 x 10^1
  [w[16], w[17]] = [5001, int16(-2)]; // Hz = 50.01
  [w[18], w[19]] = [0x8000, 0]; // VA not implemented (int16 sentinel)
  [w[20], w[21]] = [int16(-150), 0x8000]; // VAr with its scale factor not implemented
  [w[22], w[23]] = [990, int16(-1)]; // PF = 99.0 %
  [w[24], w[25], w[26]] = [0x0001, 0x86a0, 1]; // WH = 100000 x 10^1 Wh
  [w[27], w[28], w[29], w[30], w[31], w[32]] = [65, int16(-1), 4000, int16(-1), 2600, 0]; // DCA, DCV, DCW
  [w[33], w[34], w[35], w[36], w[37]] = [452, int16(-50), 0x8000, 0x8000, int16(-1)]; // temperatures
  w[38] = 4; // St = MPPT
  [w[40], w[41]] = [0x0000, 0x0081]; // Evt1: bits 0 and 7
  [w[44], w[45]] = [0x0010, 0x0000]; // EvtVnd1: bit 20, no symbol
  return w;
}

describe("decodeModel, model 103 (integers with scale factors)", () => {
  const model = decodeModel(map(103), inverter103(), 40070);
  const p = model.points;

  it("names the model and keeps its address and L", () => {
    expect(model).toMatchObject({ id: 103, name: "inverter_three_phase", address: 40070, length: 50 });
  });

  it("applies scale factors and attaches units", () => {
    expect(p.W).toEqual({ value: 2500, units: "W" });
    expect(p.A).toEqual({ value: 12.5, units: "A" });
    expect(p.Hz?.value).toBe(50.01);
    expect(p.PF).toEqual({ value: 99, units: "Pct" });
    expect(p.WH).toEqual({ value: 1_000_000, units: "Wh" });
    expect(p.DCA?.value).toBe(6.5);
    expect(p.DCV?.value).toBe(400);
    expect(p.TmpCab).toEqual({ value: 45.2, units: "C" });
    expect(p.TmpSnk?.value).toBe(-5);
  });

  it("turns not-implemented values, and values whose scale factor is not implemented, into null", () => {
    expect(p.PhVphC).toEqual({ value: null, units: "V" });
    expect(p.VA?.value).toBeNull();
    expect(p.VAr?.value).toBeNull();
    expect(p.VAr_SF?.value).toBeNull();
    expect(p.TmpTrns?.value).toBeNull();
    expect(p.StVnd?.value).toBeNull();
    expect(p.Evt2?.value).toBeNull();
  });

  it("names enums and bitfields, keeping the raw integer", () => {
    expect(p.St).toEqual({ value: "MPPT", raw: 4 });
    expect(p.Evt1).toEqual({ value: ["GROUND_FAULT", "OVER_TEMP"], raw: 129 });
    expect(p.EvtVnd1).toEqual({ value: ["BIT_20"], raw: 0x100000 });
  });

  it("leaves out points past L (an older, shorter model)", () => {
    const short = inverter103().slice(0, 42);
    short[1] = 40;
    const m = decodeModel(map(103), short);
    expect(m.points.St?.value).toBe("MPPT");
    expect(m.points.Evt1?.value).toEqual(["GROUND_FAULT", "OVER_TEMP"]);
    expect(m.points.Evt2).toBeUndefined();
    expect(m.length).toBe(40);
  });

  it("has the decoded-model shape without being parsed (the schema accepts it unchanged)", () => {
    // decodeModel no longer runs zod on every poll: the shape it builds is checked here instead.
    expect(DecodedModelSchema.parse(model)).toEqual(model);
  });

  it("refuses a block that is not the model it is asked to decode", () => {
    expect(() => decodeModel(map(101), inverter103())).toThrow("block starts with id 103, expected 101");
  });
});

describe("decodeModel, other models", () => {
  it("model 1: trims strings, an all-NUL string is null", () => {
    const w = [1, 66, ...ascii("Jisr", 16), ...ascii("SIM-3P-5000   ", 16), ...new Array(8).fill(0)];
    w.push(...ascii("1.2.3", 8), ...ascii("SN0001", 16), 1, 0);
    const p = decodeModel(map(1), w).points;
    expect(p.Mn?.value).toBe("Jisr");
    expect(p.Md?.value).toBe("SIM-3P-5000");
    expect(p.Opt?.value).toBeNull();
    expect(p.Vr?.value).toBe("1.2.3");
    expect(p.SN?.value).toBe("SN0001");
    expect(p.DA?.value).toBe(1);
    expect(p.Pad).toBeUndefined();
  });

  it("model 113: float32 values, NaN is null", () => {
    const w = new Array<number>(62).fill(0);
    [w[0], w[1]] = [113, 60];
    [w[22], w[23]] = float32(2500.5); // W
    [w[26], w[27]] = [0x7fc0, 0x0000]; // VA: NaN
    [w[32], w[33]] = float32(123456); // WH
    w[48] = 7; // St = FAULT
    [w[50], w[51]] = [0, 0x0080]; // Evt1 OVER_TEMP
    const p = decodeModel(map(113), w).points;
    expect(p.W).toEqual({ value: 2500.5, units: "W" });
    expect(p.VA?.value).toBeNull();
    expect(p.WH?.value).toBe(123456);
    expect(p.St?.value).toBe("FAULT");
    expect(p.Evt1?.value).toEqual(["OVER_TEMP"]);
  });

  it("model 160: repeats the module group N times, scaled by the model's scale factors", () => {
    const w = [160, 48, int16(-2), int16(-1), 0, 0, 0, 0, 2, 0xffff];
    const module = (id: number, dca: number, st: number) => [
      id,
      ...ascii(`MPPT ${id}`, 8),
      dca, // DCA x 10^-2
      3805, // DCV x 10^-1
      2200, // DCW
      0x0001,
      0x0000, // DCWH = 65536 Wh
      0xffff,
      0xffff, // Tms not implemented
      int16(-3), // Tmp
      st,
      0,
      0,
    ];
    w.push(...module(1, 578, 4), ...module(2, 0xffff, 2));
    const m = decodeModel(map(160), w);
    expect(m.points.N?.value).toBe(2);
    const [one, two] = m.groups.module ?? [];
    expect(one?.IDStr?.value).toBe("MPPT 1");
    expect(one?.DCA).toEqual({ value: 5.78, units: "A" });
    expect(one?.DCV?.value).toBe(380.5);
    expect(one?.DCWH?.value).toBe(65536);
    expect(one?.Tms?.value).toBeNull();
    expect(one?.Tmp?.value).toBe(-3);
    expect(one?.DCSt?.value).toBe("MPPT");
    expect(one?.DCEvt?.value).toEqual([]);
    expect(two?.DCA?.value).toBeNull();
    expect(two?.DCSt?.value).toBe("SLEEPING");
  });

  it("model 160: never reads a module past L, whatever N claims", () => {
    const w = [160, 28, 0, 0, 0, 0, 0, 0, 5, 0, ...new Array(20).fill(1)];
    expect(decodeModel(map(160), w).groups.module).toHaveLength(1);
  });

  it("model 203: signed meter values and import/export energy", () => {
    const w = new Array<number>(107).fill(0x8000);
    [w[0], w[1]] = [203, 105];
    [w[2], w[6]] = [int16(-120), int16(-1)]; // A = -12.0
    [w[7], w[15]] = [2305, int16(-1)]; // PhV = 230.5
    [w[16], w[17]] = [5000, int16(-2)]; // Hz
    [w[18], w[22]] = [int16(-3000), 0]; // W = -3000 (exporting)
    [w[38], w[39]] = [0x0000, 0x3039]; // TotWhExp = 12345
    [w[46], w[47]] = [0x0000, 0x0000]; // TotWhImp: acc32 0 = not implemented
    w[54] = 3; // TotWh_SF
    const p = decodeModel(map(203), w).points;
    expect(p.A?.value).toBe(-12);
    expect(p.PhV?.value).toBe(230.5);
    expect(p.Hz?.value).toBe(50);
    expect(p.W?.value).toBe(-3000);
    expect(p.TotWhExp?.value).toBe(12_345_000);
    expect(p.TotWhImp?.value).toBeNull();
    expect(p.AphA?.value).toBeNull();
  });
});

describe("decodeRaw sentinels", () => {
  it.each([
    ["int16", [0x8000]],
    ["uint16", [0xffff]],
    ["acc16", [0]],
    ["enum16", [0xffff]],
    ["bitfield16", [0xffff]],
    ["sunssf", [0x8000]],
    ["int32", [0x8000, 0]],
    ["uint32", [0xffff, 0xffff]],
    ["acc32", [0, 0]],
    ["enum32", [0xffff, 0xffff]],
    ["bitfield32", [0xffff, 0xffff]],
    ["float32", [0x7fc0, 0]],
    ["ipaddr", [0, 0]],
    ["int64", [0x8000, 0, 0, 0]],
    ["uint64", [0xffff, 0xffff, 0xffff, 0xffff]],
    ["acc64", [0, 0, 0, 0]],
    ["float64", [0x7ff8, 0, 0, 0]],
    ["eui48", [0, 0xffff, 0xffff, 0xffff]],
    ["string", [0, 0, 0]],
  ] as const)("%s %j is not implemented", (type, words) => {
    expect(decodeRaw(type, words)).toBeNull();
  });

  it.each([
    ["int16", [0xfffe], -2],
    ["uint16", [0xfffe], 65534],
    ["sunssf", [0xfffd], -3],
    ["int32", [0xffff, 0xfffe], -2],
    ["uint32", [0x0001, 0x0000], 65536],
    ["acc64", [0, 0, 0x0001, 0x0000], 65536],
    ["int64", [0xffff, 0xffff, 0xffff, 0xffff], -1],
    ["ipaddr", [0xc0a8, 0x0132], "192.168.1.50"],
    ["eui48", [0, 0x0011, 0x2233, 0x4455], "00:11:22:33:44:55"],
    ["string", [0x4142, 0x2000], "AB"],
  ] as const)("%s %j decodes to %j", (type, words, expected) => {
    expect(decodeRaw(type, words)).toBe(expected);
  });

  it("decodes a point in place in a longer block, the same as its words alone", () => {
    const block = [0x1111, 0xffff, 0xfffe, 0x4142, 0x2000, 0xc0a8, 0x0132, 0x2222];
    expect(decodeRaw("int32", block, 1, 2)).toBe(decodeRaw("int32", [0xffff, 0xfffe]));
    expect(decodeRaw("int32", block, 1, 2)).toBe(-2);
    expect(decodeRaw("string", block, 3, 2)).toBe("AB");
    expect(decodeRaw("ipaddr", block, 5, 2)).toBe("192.168.1.50");
    expect(decodeRaw("uint16", block, 7, 1)).toBe(0x2222);
    // A string longer than the decoder's scratch buffer (256 bytes) still decodes whole.
    const long = new Array<number>(200).fill(0x4141);
    expect(decodeRaw("string", long)).toBe("A".repeat(400));
  });

  it("scales without binary noise", () => {
    expect(applyScale(2345, -1)).toBe(234.5);
    expect(applyScale(12345, -2)).toBe(123.45);
    expect(applyScale(12, 3)).toBe(12000);
  });
});
