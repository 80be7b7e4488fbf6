// Electrical values of the inverter (AC side, DC side per MPPT, temperatures, events) for one
// operating point. Pure: the same inputs give the same values.
import { hashUnit } from "../solar/clouds.js";
import type { PvOperatingPoint, PvSystemConfig } from "../solar/pv-system.js";
import { DCEVT_BIT, EVT1_BIT, OPERATING_STATE, type OperatingState } from "../sunspec/models.js";
import { isRunning } from "./operating-state.js";
import type { ElectricalValues, InverterFaults } from "./values.js";

export interface InverterDesign {
  pv: PvSystemConfig;
  /** Share of the array on each MPPT input; sums to 1. */
  mpptShares: readonly number[];
  /** String MPP voltage at STC, V (e.g. 14 modules × 41.5 V). */
  stringVmpStcV: number;
  /** MPP voltage temperature coefficient, 1/K. */
  betaVmpPerK: number;
  gridPhaseV: number;
  gridHz: number;
  /** Seed of the small grid voltage/frequency wander. */
  seed: number;
}

export function defaultDesign(pv: PvSystemConfig, seed: number): InverterDesign {
  return {
    pv,
    mpptShares: [0.55, 0.45],
    stringVmpStcV: 580,
    betaVmpPerK: -0.0035,
    gridPhaseV: 230,
    gridHz: 50,
    seed,
  };
}

/** Share of the array still connected given the faults (for `PvConditions.connectedShare`). */
export function connectedShare(design: InverterDesign, faults: InverterFaults): number {
  return design.mpptShares.reduce((sum, share, i) => (faults.stringFailure === i + 1 ? sum : sum + share), 0);
}

/** MPP voltage of a lit string; open-circuit (≈ 1.2 × Vmp) when the inverter draws no current. */
function stringVoltage(design: InverterDesign, pv: PvOperatingPoint, drawing: boolean): number {
  if (pv.poaWm2 < 1) return 0;
  const lowLight = Math.max(1 + 0.04 * Math.log(pv.poaWm2 / 1000), 0.5);
  const vmp = design.stringVmpStcV * (1 + design.betaVmpPerK * (pv.moduleC - 25)) * lowLight;
  return drawing ? vmp : vmp * 1.2;
}

/** Grid wander: ±1 % on each phase voltage, ±0.05 Hz, changing every 10 sim seconds. */
function grid(design: InverterDesign, simMs: number): { phaseV: number[]; hz: number } {
  const slot = Math.floor(simMs / 10_000);
  const phaseV = [0, 1, 2].map(
    (k) => design.gridPhaseV * (0.99 + 0.02 * hashUnit(design.seed, 10 + k, slot)),
  );
  return { phaseV, hz: design.gridHz + 0.1 * (hashUnit(design.seed, 20, slot) - 0.5) };
}

function lineToLine(a: number, b: number): number {
  // Phasors 120° apart: |Va − Vb|² = Va² + Vb² + Va·Vb.
  return Math.sqrt(a * a + b * b + a * b);
}

function dcSide(design: InverterDesign, pv: PvOperatingPoint, st: OperatingState, faults: InverterFaults) {
  const running = isRunning(st);
  const connected = connectedShare(design, faults);
  return design.mpptShares.map((share, i) => {
    const failed = faults.stringFailure === i + 1;
    // The two inputs carry strings of slightly different length: MPPT 2 sits 2 % lower.
    const v = failed ? 0 : stringVoltage(design, pv, running) * (1 - 0.02 * i);
    const w = running && !failed && connected > 0 ? (pv.dcW * share) / connected : 0;
    return {
      DCV: v,
      DCW: w,
      DCA: v > 0 ? w / v : 0,
      DCSt: failed ? OPERATING_STATE.OFF : st,
      DCEvt: faults.trip ? 1 << DCEVT_BIT.GROUND_FAULT : 0,
    };
  });
}

export function electricalValues(
  simMs: number,
  design: InverterDesign,
  pv: PvOperatingPoint,
  st: OperatingState,
  faults: InverterFaults,
): ElectricalValues {
  const w = isRunning(st) ? pv.acW : 0;
  const { phaseV, hz } = grid(design, simMs);
  const [va = 0, vb = 0, vc = 0] = phaseV;
  const phaseA = phaseV.map((v) => w / 3 / v);
  const load = w / design.pv.acRatingW;
  // An inverter that is OFF at night is unpowered and sits at ambient temperature.
  const powered = st === OPERATING_STATE.OFF ? 0 : 1;
  const dc = dcSide(design, pv, st, faults);
  const dcW = dc.reduce((s, m) => s + m.DCW, 0);
  const dcA = dc.reduce((s, m) => s + m.DCA, 0);
  const tmpSnk = pv.ambientC + powered * (5 + 30 * load);
  return {
    A: phaseA.reduce((s, a) => s + a, 0),
    AphA: phaseA[0] ?? 0,
    AphB: phaseA[1] ?? 0,
    AphC: phaseA[2] ?? 0,
    PPVphAB: lineToLine(va, vb),
    PPVphBC: lineToLine(vb, vc),
    PPVphCA: lineToLine(vc, va),
    PhVphA: va,
    PhVphB: vb,
    PhVphC: vc,
    W: w,
    Hz: hz,
    VA: w,
    VAr: 0,
    PF: 100,
    DCA: dcA,
    DCV: dcA > 0 ? dcW / dcA : Math.max(...dc.map((m) => m.DCV)),
    DCW: dcW,
    TmpCab: pv.ambientC + powered * (3 + 12 * load),
    TmpSnk: tmpSnk,
    St: st,
    Evt1: faults.trip ? 1 << EVT1_BIT.GROUND_FAULT : 0,
    Evt2: 0,
    Evt: dc.reduce((bits, m) => bits | m.DCEvt, 0),
    modules: dc.map((m) => ({ ...m, Tmp: tmpSnk })),
  };
}
