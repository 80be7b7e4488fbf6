// Register layouts of the SunSpec models this simulator serves, transcribed from the official
// definitions (github.com/sunspec/models, json/model_1.json, model_103.json, model_160.json).
// Point order, types and sizes must match them exactly: models.test.ts cross-checks that.

export type SunSpecType =
  | "uint16"
  | "int16"
  | "acc16"
  | "enum16"
  | "bitfield16"
  | "count"
  | "uint32"
  | "int32"
  | "acc32"
  | "bitfield32"
  | "sunssf"
  | "string"
  | "pad";

export interface PointDef {
  name: string;
  type: SunSpecType;
  /** Size in 16-bit registers. */
  size: number;
  /** Name of the scale-factor point (in the model's fixed block). */
  sf?: string;
  units?: string;
}

export interface ModelDef {
  id: number;
  name: string;
  /** Fixed block, starting with ID and L. */
  points: readonly PointDef[];
  /** Repeating block (model 160 `module`), served `count` times after the fixed block. */
  repeating?: { name: string; points: readonly PointDef[] };
}

const u16 = (name: string, sf?: string, units?: string): PointDef => ({
  name,
  type: "uint16",
  size: 1,
  sf,
  units,
});
const i16 = (name: string, sf?: string, units?: string): PointDef => ({
  name,
  type: "int16",
  size: 1,
  sf,
  units,
});
const sf = (name: string): PointDef => ({ name, type: "sunssf", size: 1 });
const str = (name: string, size: number): PointDef => ({ name, type: "string", size });
const bf32 = (name: string): PointDef => ({ name, type: "bitfield32", size: 2 });
const header = [u16("ID"), u16("L")];

/** Model 1, Common: identifies the device. L = 66. */
export const MODEL_COMMON: ModelDef = {
  id: 1,
  name: "common",
  points: [
    ...header,
    str("Mn", 16),
    str("Md", 16),
    str("Opt", 8),
    str("Vr", 8),
    str("SN", 16),
    u16("DA"),
    { name: "Pad", type: "pad", size: 1 },
  ],
};

/** Model 103, three-phase inverter, integer values with scale factors. L = 50. */
export const MODEL_INVERTER_3P: ModelDef = {
  id: 103,
  name: "inverter_three_phase",
  points: [
    ...header,
    u16("A", "A_SF", "A"),
    u16("AphA", "A_SF", "A"),
    u16("AphB", "A_SF", "A"),
    u16("AphC", "A_SF", "A"),
    sf("A_SF"),
    u16("PPVphAB", "V_SF", "V"),
    u16("PPVphBC", "V_SF", "V"),
    u16("PPVphCA", "V_SF", "V"),
    u16("PhVphA", "V_SF", "V"),
    u16("PhVphB", "V_SF", "V"),
    u16("PhVphC", "V_SF", "V"),
    sf("V_SF"),
    i16("W", "W_SF", "W"),
    sf("W_SF"),
    u16("Hz", "Hz_SF", "Hz"),
    sf("Hz_SF"),
    i16("VA", "VA_SF", "VA"),
    sf("VA_SF"),
    i16("VAr", "VAr_SF", "var"),
    sf("VAr_SF"),
    i16("PF", "PF_SF", "Pct"),
    sf("PF_SF"),
    { name: "WH", type: "acc32", size: 2, sf: "WH_SF", units: "Wh" },
    sf("WH_SF"),
    u16("DCA", "DCA_SF", "A"),
    sf("DCA_SF"),
    u16("DCV", "DCV_SF", "V"),
    sf("DCV_SF"),
    i16("DCW", "DCW_SF", "W"),
    sf("DCW_SF"),
    i16("TmpCab", "Tmp_SF", "C"),
    i16("TmpSnk", "Tmp_SF", "C"),
    i16("TmpTrns", "Tmp_SF", "C"),
    i16("TmpOt", "Tmp_SF", "C"),
    sf("Tmp_SF"),
    { name: "St", type: "enum16", size: 1 },
    { name: "StVnd", type: "enum16", size: 1 },
    bf32("Evt1"),
    bf32("Evt2"),
    bf32("EvtVnd1"),
    bf32("EvtVnd2"),
    bf32("EvtVnd3"),
    bf32("EvtVnd4"),
  ],
};

/** Model 160, multiple MPPT inverter extension. L = 8 + 20 × N. */
export const MODEL_MPPT: ModelDef = {
  id: 160,
  name: "mppt",
  points: [
    ...header,
    sf("DCA_SF"),
    sf("DCV_SF"),
    sf("DCW_SF"),
    sf("DCWH_SF"),
    bf32("Evt"),
    { name: "N", type: "count", size: 1 },
    u16("TmsPer"),
  ],
  repeating: {
    name: "module",
    points: [
      u16("ID"),
      str("IDStr", 8),
      u16("DCA", "DCA_SF", "A"),
      u16("DCV", "DCV_SF", "V"),
      u16("DCW", "DCW_SF", "W"),
      { name: "DCWH", type: "acc32", size: 2, sf: "DCWH_SF", units: "Wh" },
      { name: "Tms", type: "uint32", size: 2, units: "Secs" },
      { name: "Tmp", type: "int16", size: 1, units: "C" },
      { name: "DCSt", type: "enum16", size: 1 },
      bf32("DCEvt"),
    ],
  },
};

/** Operating states (103 St, 160 DCSt). */
export const OPERATING_STATE = {
  OFF: 1,
  SLEEPING: 2,
  STARTING: 3,
  MPPT: 4,
  THROTTLED: 5,
  SHUTTING_DOWN: 6,
  FAULT: 7,
  STANDBY: 8,
} as const;
export type OperatingState = (typeof OPERATING_STATE)[keyof typeof OPERATING_STATE];

/** Bit numbers of 103 Evt1. */
export const EVT1_BIT = {
  GROUND_FAULT: 0,
  DC_OVER_VOLT: 1,
  AC_DISCONNECT: 2,
  DC_DISCONNECT: 3,
  GRID_DISCONNECT: 4,
  CABINET_OPEN: 5,
  MANUAL_SHUTDOWN: 6,
  OVER_TEMP: 7,
  OVER_FREQUENCY: 8,
  UNDER_FREQUENCY: 9,
  AC_OVER_VOLT: 10,
  AC_UNDER_VOLT: 11,
  BLOWN_STRING_FUSE: 12,
  UNDER_TEMP: 13,
  MEMORY_LOSS: 14,
  HW_TEST_FAILURE: 15,
} as const;

/** Bit numbers of 160 Evt and DCEvt (the subset we raise). */
export const DCEVT_BIT = {
  GROUND_FAULT: 0,
  INPUT_OVER_VOLTAGE: 1,
  DC_DISCONNECT: 3,
  OVER_TEMP: 7,
  BLOWN_FUSE: 12,
} as const;

/** Registers of a model's fixed block including ID and L. */
export function fixedSize(model: ModelDef): number {
  return model.points.reduce((n, p) => n + p.size, 0);
}

/** Registers of one repeating block (0 if none). */
export function repeatSize(model: ModelDef): number {
  return model.repeating?.points.reduce((n, p) => n + p.size, 0) ?? 0;
}
