// Shapes of what the simulated inverter serves, in the units of the SunSpec points (A, V, W, Hz,
// VA, var, %, Wh, °C), as a client decodes them with the scale factors.
import type { OperatingState } from "../sunspec/models.js";

/** One MPPT input (model 160 module). */
export interface ModuleValues {
  DCA: number;
  DCV: number;
  DCW: number;
  DCWH: number;
  /** Seconds since 2000-01-01T00:00:00Z (SunSpec timestamp) of the sim instant. */
  Tms: number;
  Tmp: number;
  DCSt: OperatingState;
  DCEvt: number;
}

/** Model 103 points we implement, plus the model 160 summary event and modules. */
export interface ServedValues {
  A: number;
  AphA: number;
  AphB: number;
  AphC: number;
  PPVphAB: number;
  PPVphBC: number;
  PPVphCA: number;
  PhVphA: number;
  PhVphB: number;
  PhVphC: number;
  W: number;
  Hz: number;
  VA: number;
  VAr: number;
  PF: number;
  WH: number;
  DCA: number;
  DCV: number;
  DCW: number;
  TmpCab: number;
  TmpSnk: number;
  St: OperatingState;
  Evt1: number;
  Evt2: number;
  /** Model 160 Evt: OR of the modules' DCEvt. */
  Evt: number;
  modules: ModuleValues[];
}

/** Values before energy counters and timestamps are added. */
export type ElectricalValues = Omit<ServedValues, "WH" | "modules"> & {
  modules: Omit<ModuleValues, "DCWH" | "Tms">[];
};

/** Injectable faults (issue "alerts"). */
export interface InverterFaults {
  /** Inverter tripped (isolation fault): St FAULT, W 0, Evt1 GROUND_FAULT. */
  trip: boolean;
  /**
   * MPPT input (1-based) whose string is lost (blown fuse): its voltage and current drop to 0.
   * Silent like on most inverters, so alerts must find it from the imbalance between MPPTs.
   */
  stringFailure: number | null;
  /** Light lost to dust, percent (0-100). */
  soilingPct: number;
}

export const NO_FAULTS: InverterFaults = { trip: false, stringFailure: null, soilingPct: 0 };
