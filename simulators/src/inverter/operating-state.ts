// The inverter's operating state (SunSpec St) as a small state machine over sim time.
import { OPERATING_STATE, type OperatingState } from "../sunspec/models.js";

/** Below this sun elevation (civil dusk) the inverter powers down completely: OFF. */
const NIGHT_ELEVATION_DEG = -6;
/** Wakes up above this share of the DC rating, sleeps below the lower one (hysteresis). */
const WAKE_SHARE = 0.01;
const SLEEP_SHARE = 0.005;
/** Grid checks before connecting; real inverters wait 30-300 s. */
export const STARTING_MS = 60_000;

export interface StateMemory {
  st: OperatingState;
  /** Sim instant STARTING began, while starting. */
  startingSince: number | null;
}

export interface StateInput {
  simMs: number;
  sunElevationDeg: number;
  dcAvailableW: number;
  ratedDcW: number;
  clipped: boolean;
  trip: boolean;
}

const PRODUCING: ReadonlySet<OperatingState> = new Set([
  OPERATING_STATE.STARTING,
  OPERATING_STATE.MPPT,
  OPERATING_STATE.THROTTLED,
]);

/** True when the state feeds power to the grid. */
export function isRunning(st: OperatingState): boolean {
  return st === OPERATING_STATE.MPPT || st === OPERATING_STATE.THROTTLED;
}

/** State after `prev` given the conditions at `input.simMs`. */
export function nextOperatingState(prev: StateMemory, input: StateInput): StateMemory {
  if (input.trip) return { st: OPERATING_STATE.FAULT, startingSince: null };
  if (input.sunElevationDeg < NIGHT_ELEVATION_DEG) return { st: OPERATING_STATE.OFF, startingSince: null };
  const threshold = (PRODUCING.has(prev.st) ? SLEEP_SHARE : WAKE_SHARE) * input.ratedDcW;
  if (input.dcAvailableW < threshold) return { st: OPERATING_STATE.SLEEPING, startingSince: null };
  if (!PRODUCING.has(prev.st)) return { st: OPERATING_STATE.STARTING, startingSince: input.simMs };
  if (
    prev.st === OPERATING_STATE.STARTING &&
    input.simMs - (prev.startingSince ?? input.simMs) < STARTING_MS
  ) {
    return prev;
  }
  return { st: input.clipped ? OPERATING_STATE.THROTTLED : OPERATING_STATE.MPPT, startingSince: null };
}
