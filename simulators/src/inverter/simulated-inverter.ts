// The simulated inverter: physics over a sim clock, a state machine, energy counters, the SunSpec
// register image, and a bounded history of what was served.
import type { Logger } from "pino";
import { pino } from "pino";
import { createSimClock, type SimClock } from "../clock.js";
import { entryAt, RingBuffer } from "../history.js";
import { hashUnit } from "../solar/clouds.js";
import { defaultPvSystem, type PvOperatingPoint, pvOperatingPoint } from "../solar/pv-system.js";
import { OPERATING_STATE } from "../sunspec/models.js";
import { connectedShare, defaultDesign, electricalValues, type InverterDesign } from "./electrical.js";
import { nextOperatingState, STARTING_MS, type StateMemory } from "./operating-state.js";
import { InverterImage } from "./sunspec-image.js";
import { type ElectricalValues, type InverterFaults, NO_FAULTS, type ServedValues } from "./values.js";

/** Energy is integrated in sim steps of at most a minute, so a fast clock still follows the sun. */
const MAX_STEP_MS = 60_000;
/** ...but never more steps than this per tick (a day per tick still gives 43 s steps). */
const MAX_STEPS = 2_000;
const MS_PER_HOUR = 3_600_000;

export interface SimulatedInverterOptions {
  unit: number;
  kwp: number;
  seed: number;
  speed?: number;
  start?: Date;
  /** AC rating, W; default DC/AC ratio 1.1. */
  acRatingW?: number;
  /** Cloud noise on (default) or a clear sky. */
  clouds?: boolean;
  /** Lifetime energy at start, Wh; default a seed-derived history of 0.1 to 1.9 MWh per kWp. */
  initialWh?: number;
  historySize?: number;
  wallNow?: () => number;
  logger?: Logger;
}

/** What was served from wall instant `at` (sim instant `simAt`) until the next snapshot. */
export interface ServedSnapshot {
  at: number;
  simAt: number;
  values: ServedValues;
}

export interface InverterLiveState {
  wallAt: number;
  simAt: number;
  faults: InverterFaults;
  pv: PvOperatingPoint;
  /** Exact lifetime energy (WH serves its floor), Wh. */
  energyWh: number;
  moduleEnergyWh: number[];
  values: ServedValues;
}

export type FaultPatch = Partial<InverterFaults>;

interface Evaluation {
  pv: PvOperatingPoint;
  values: ElectricalValues;
}

export class SimulatedInverter {
  readonly clock: SimClock;
  readonly design: InverterDesign;
  readonly image: InverterImage;
  readonly history: RingBuffer<ServedSnapshot>;
  readonly #log: Logger;
  #faults: InverterFaults = { ...NO_FAULTS };
  #memory: StateMemory = { st: OPERATING_STATE.OFF, startingSince: null };
  #lastSimMs: number | null = null;
  #last: Evaluation | null = null;
  #energyWh: number;
  #moduleWh: number[];
  #state: InverterLiveState | null = null;

  constructor(opts: SimulatedInverterOptions) {
    const pv = defaultPvSystem(opts.kwp, opts.clouds === false ? null : opts.seed);
    if (opts.acRatingW !== undefined) pv.acRatingW = opts.acRatingW;
    this.design = defaultDesign(pv, opts.seed);
    this.clock = createSimClock({ start: opts.start, speed: opts.speed, wallNow: opts.wallNow });
    this.history = new RingBuffer(opts.historySize ?? 10_000);
    this.#log = (opts.logger ?? pino({ level: "silent" })).child({
      component: "sim-inverter",
      unit: opts.unit,
    });
    this.#energyWh = opts.initialWh ?? opts.kwp * 1000 * (100 + 1800 * hashUnit(opts.seed, 99));
    this.#moduleWh = this.design.mpptShares.map((s) => (this.#energyWh / pv.efficiency) * s);
    this.image = new InverterImage(
      {
        manufacturer: "Jisr Sim",
        model: `SIM-3P-${opts.kwp}KWP`,
        version: "0.1.0",
        serial: `JSIM-${opts.seed}-${opts.unit}`,
        unit: opts.unit,
      },
      { acRatingW: pv.acRatingW, dcRatingW: opts.kwp * 1000, mpptCount: this.design.mpptShares.length },
    );
  }

  /** Live state after the latest tick (ticks once if none yet). */
  get state(): Readonly<InverterLiveState> {
    if (this.#state === null) this.tick();
    return this.#state as InverterLiveState;
  }

  get faults(): Readonly<InverterFaults> {
    return this.#faults;
  }

  /** Change faults (merged into the current ones) and serve their effect at once. */
  setFault(patch: FaultPatch): void {
    this.#faults = { ...this.#faults, ...patch };
    this.#log.info({ faults: this.#faults }, "faults changed");
    this.tick();
  }

  clearFaults(): void {
    this.setFault(NO_FAULTS);
  }

  /** Registers for a Modbus read; throws a ModbusException outside the image. */
  read(addr: number, count: number): number[] {
    return this.image.bank.read(addr, count);
  }

  /** Snapshot in effect at a wall instant, if still in the history. */
  servedAt(wallMs: number): ServedSnapshot | undefined {
    return entryAt(this.history, wallMs);
  }

  /** Advance to the clock's now: integrate energy, update the registers, record a snapshot. */
  tick(): ServedSnapshot {
    const wallAt = this.clock.wallNow();
    const simAt = this.clock.simAt(wallAt);
    const evaluation = this.#advance(simAt);
    this.image.write(evaluation.values, this.#energyWh, this.#moduleWh, simAt);
    const values = this.image.served();
    const snapshot: ServedSnapshot = { at: wallAt, simAt, values };
    this.history.push(snapshot);
    this.#state = {
      wallAt,
      simAt,
      faults: this.#faults,
      pv: evaluation.pv,
      energyWh: this.#energyWh,
      moduleEnergyWh: [...this.#moduleWh],
      values,
    };
    return snapshot;
  }

  #advance(simAt: number): Evaluation {
    const last = this.#last;
    const from = this.#lastSimMs;
    if (last === null || from === null) {
      // Start as if the inverter had been running all along: no STARTING pause on the first tick.
      this.#evaluate(simAt - 2 * STARTING_MS);
      return this.#remember(simAt, this.#evaluate(simAt));
    }
    if (simAt <= from) return this.#remember(simAt, this.#evaluate(simAt));
    const steps = Math.min(MAX_STEPS, Math.ceil((simAt - from) / MAX_STEP_MS));
    const h = (simAt - from) / steps;
    let prev = last;
    for (let k = 1; k <= steps; k++) {
      const next = this.#evaluate(k === steps ? simAt : from + k * h);
      this.#integrate(prev.values, next.values, h);
      prev = next;
    }
    return this.#remember(simAt, prev);
  }

  #remember(simAt: number, evaluation: Evaluation): Evaluation {
    this.#lastSimMs = simAt;
    this.#last = evaluation;
    return evaluation;
  }

  /** Trapezoid rule over one step; counters only ever grow. */
  #integrate(a: ElectricalValues, b: ElectricalValues, stepMs: number): void {
    const hours = stepMs / MS_PER_HOUR;
    this.#energyWh += Math.max(((a.W + b.W) / 2) * hours, 0);
    this.#moduleWh = this.#moduleWh.map((wh, i) => {
      const w = ((a.modules[i]?.DCW ?? 0) + (b.modules[i]?.DCW ?? 0)) / 2;
      return wh + Math.max(w * hours, 0);
    });
  }

  #evaluate(simMs: number): Evaluation {
    const f = this.#faults;
    const pv = pvOperatingPoint(simMs, this.design.pv, {
      soilingPct: f.soilingPct,
      connectedShare: connectedShare(this.design, f),
    });
    const prevSt = this.#memory.st;
    this.#memory = nextOperatingState(this.#memory, {
      simMs,
      sunElevationDeg: pv.sunElevationDeg,
      dcAvailableW: pv.dcAvailableW,
      ratedDcW: this.design.pv.kwp * 1000,
      clipped: pv.clipped,
      trip: f.trip,
    });
    if (this.#memory.st !== prevSt) {
      this.#log.debug(
        { from: prevSt, to: this.#memory.st, simAt: new Date(simMs).toISOString() },
        "state change",
      );
    }
    return { pv, values: electricalValues(simMs, this.design, pv, this.#memory.st, f) };
  }
}
