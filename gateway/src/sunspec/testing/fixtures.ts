import { encodeModel, encodeSunspecBank, type ModelValues } from "../encode.js";
import { defaultModels } from "../models.js";

/**
 * SunSpec register banks for tests: a three-phase inverter with two MPPTs and a grid meter, in
 * engineering units, encoded through our maps (whose offsets models.test.ts checks against the
 * official JSON).
 */

export function encode(id: number, values: ModelValues = {}): number[] {
  const map = defaultModels().get(id);
  if (!map) throw new Error(`no map for model ${id}`);
  return encodeModel(map, values);
}

export const COMMON: ModelValues = {
  points: { Mn: "Jisr Solar", Md: "SIM-3P-5000", Vr: "1.0.0", SN: "JS-0001", DA: 1 },
};

export const INVERTER_103: ModelValues = {
  points: {
    A_SF: -1,
    A: 12.5,
    AphA: 4.2,
    AphB: 4.1,
    AphC: 4.2,
    V_SF: -1,
    PhVphA: 230.1,
    PhVphB: 229.9,
    PhVphC: 230.3,
    W_SF: 0,
    W: 2500,
    Hz_SF: -2,
    Hz: 50.01,
    VA_SF: 0,
    VA: 2510,
    VAr_SF: 0,
    VAr: -120,
    PF_SF: -1,
    PF: 99.6,
    WH_SF: 0,
    WH: 12_345_678,
    DCA_SF: -1,
    DCA: 6.5,
    DCV_SF: -1,
    DCV: 400,
    DCW_SF: 0,
    DCW: 2600,
    Tmp_SF: -1,
    TmpCab: 45.2,
    TmpSnk: 51.3,
    St: "MPPT",
    Evt1: ["OVER_TEMP"],
  },
};

export function mpptModules(n: number): ModelValues {
  return {
    points: { DCA_SF: -2, DCV_SF: -1, DCW_SF: 0, DCWH_SF: 0, Evt: [] },
    groups: Array.from({ length: n }, (_, i) => ({
      ID: i + 1,
      IDStr: `MPPT ${i + 1}`,
      // The second module's current is not implemented, to show null handling per module.
      DCA: i === 1 ? null : 3.25 + i,
      DCV: 400.5,
      DCW: 1301 + i,
      DCWH: 6_000_000 + i,
      Tmp: 48,
      DCSt: i === 1 ? "THROTTLED" : "MPPT",
      DCEvt: [],
    })),
  };
}

export const METER_203: ModelValues = {
  points: {
    A_SF: -1,
    A: 10.5,
    V_SF: -1,
    PhV: 230.5,
    Hz_SF: -2,
    Hz: 50,
    W_SF: 0,
    W: -1500,
    PF_SF: 0,
    PF: -95,
    TotWh_SF: 0,
    TotWhImp: 8_000_000,
    TotWhExp: 2_000_000,
  },
};

/** A model id no map of ours describes (vendor range), L = 4. */
export const VENDOR_MODEL = [64001, 4, 1, 2, 3, 4];

/** Device A: common, 103, 160 (2 modules), 203, a vendor model. Lay it at base 40000. */
export function deviceA(): number[] {
  return encodeSunspecBank([
    encode(1, COMMON),
    encode(103, INVERTER_103),
    encode(160, mpptModules(2)),
    encode(203, METER_203),
    VENDOR_MODEL,
  ]);
}
