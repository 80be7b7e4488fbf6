/**
 * Lifetime energy counters (`energy_wh`, `energy_import_wh`, ...) → the energy of each interval between
 * two readings. Pure: readings in, increments and events out.
 *
 * Real counters misbehave, and each case has one rule:
 * - **Plausible increase** (0 ≤ Δ ≤ max power × (Δt + one reading's time resolution) + tolerance): counted.
 * - **Jitter**: a decrease of at most `jitterWh` (a float32 rounding, a read during the update) counts 0
 *   and the higher value stays the reference, so the same energy is never counted twice.
 * - **Rollover**: an acc32 wraps at 2^32 × its scale; a drop from near `rolloverAtWh` to a small value
 *   counts `new + rolloverAt − old`.
 * - **Spike**: a reading that breaks the rules above while the *next* reading is plausible against the
 *   last good one is a glitch (a zero read, a garbled register): it is dropped.
 * - **Reset** (the device restarted its counter): a drop to a value that is itself plausible since the
 *   previous reading counts from zero, i.e. the new value is the energy since the reset.
 * - **Rebaseline** (a meter replaced, or a jump confirmed by the next reading): the new value becomes the
 *   reference and the unexplained difference is *not* counted; the event says how much was left out.
 * - **Gap** (readings further apart than `gapMs`): the increase is kept whole and attributed to the gap;
 *   `spreadIntoBins` then spreads it evenly over the gap's hours (see hourly.ts). Beyond `maxGapMs` the
 *   counter is rebaselined: nobody can say when that energy was produced.
 */

export interface CounterReading {
  /** Epoch ms, UTC. */
  time: number;
  /** Lifetime counter, Wh. */
  value: number;
}

export interface CounterOptions {
  /** The most power the metered device can deliver, W; a faster rise is a spike, never energy. */
  maxPowerW: number;
  /** Slack on the spike test, Wh: the counter's resolution (a counter in 0.1 kWh steps needs 100). */
  toleranceWh: number;
  /**
   * How precise reading times are, ms: readings taken from 1-minute buckets carry the bucket start, so
   * two readings 60 s apart on the clock may be up to 120 s apart in reality.
   */
  timeResolutionMs: number;
  /** A decrease up to this is jitter, not a reset. */
  jitterWh: number;
  /** Where the counter wraps (Wh), e.g. 2^32 × 1 Wh; undefined: it never wraps. */
  rolloverAtWh?: number;
  /** Readings further apart are a gap (reported; the energy is spread over it). */
  gapMs: number;
  /** Readings further apart than this: the energy in between is unknown and not counted. */
  maxGapMs: number;
}

/** The energy between two accepted readings. */
export interface Increment {
  from: number;
  to: number;
  wh: number;
}

export type CounterEventKind = "spike" | "reset" | "rollover" | "rebaseline" | "gap" | "gap_too_long";

export interface CounterEvent {
  kind: CounterEventKind;
  /** Time of the reading that raised it. */
  time: number;
  /** The value read. */
  value: number;
  /** The reference it was compared with. */
  reference: number;
  /** Energy left out (rebaseline, gap_too_long), or counted across a reset or rollover, Wh. */
  wh?: number;
}

export interface CounterResult {
  increments: Increment[];
  events: CounterEvent[];
}

/** The largest increase that is physically possible in `dtMs`. */
export function plausibleWh(dtMs: number, o: CounterOptions): number {
  return (o.maxPowerW * (dtMs + o.timeResolutionMs)) / 3_600_000 + o.toleranceWh;
}

/** The increments of a lifetime counter; `readings` sorted by time (duplicates of a time are skipped). */
export function counterIncrements(readings: readonly CounterReading[], o: CounterOptions): CounterResult {
  const increments: Increment[] = [];
  const events: CounterEvent[] = [];
  let ref: CounterReading | undefined;
  const accept = (r: CounterReading, wh: number, value = r.value) => {
    if (!ref) return;
    if (r.time - ref.time > o.gapMs) events.push(event("gap", r, ref, wh));
    increments.push({ from: ref.time, to: r.time, wh });
    ref = { time: r.time, value };
  };
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as CounterReading;
    if (!Number.isFinite(r.value) || r.value < 0) continue;
    if (!ref) {
      ref = r;
      continue;
    }
    const dt = r.time - ref.time;
    if (dt <= 0) continue;
    if (dt > o.maxGapMs) {
      events.push(event("gap_too_long", r, ref, Math.max(0, r.value - ref.value)));
      ref = r;
      continue;
    }
    const d = r.value - ref.value;
    const limit = plausibleWh(dt, o);
    if (d >= 0 && d <= limit) {
      accept(r, d);
    } else if (d < 0 && -d <= o.jitterWh) {
      accept(r, 0, ref.value);
    } else if (o.rolloverAtWh !== undefined && d < 0 && d + o.rolloverAtWh <= limit) {
      events.push(event("rollover", r, ref, d + o.rolloverAtWh));
      accept(r, d + o.rolloverAtWh);
    } else {
      handleAnomaly(r, readings[i + 1], d, limit);
    }
  }
  return { increments, events };

  // Decided with one reading of lookahead: a glitch is followed by a reading that agrees with the past.
  function handleAnomaly(r: CounterReading, next: CounterReading | undefined, d: number, limit: number) {
    const base = ref as CounterReading;
    if (next && agrees(base, next, o)) {
      events.push(event("spike", r, base));
    } else if (d < 0 && r.value <= limit) {
      events.push(event("reset", r, base, r.value));
      accept(r, r.value);
    } else if (next && agrees(r, next, o)) {
      events.push(event("rebaseline", r, base, Math.abs(d)));
      increments.push({ from: base.time, to: r.time, wh: 0 });
      ref = r;
    } else {
      // Unconfirmed (no next reading yet, or the next one agrees with nothing): drop it for now; a later run
      // with more data decides.
      events.push(event("spike", r, base));
    }
  }
}

/** True when `b` follows `a` as a plausible increase (or jitter). */
function agrees(a: CounterReading, b: CounterReading, o: CounterOptions): boolean {
  const dt = b.time - a.time;
  if (dt <= 0 || dt > o.maxGapMs) return false;
  const d = b.value - a.value;
  return d >= -o.jitterWh && d <= plausibleWh(dt, o);
}

function event(kind: CounterEventKind, r: CounterReading, ref: CounterReading, wh?: number): CounterEvent {
  return { kind, time: r.time, value: r.value, reference: ref.value, ...(wh !== undefined ? { wh } : {}) };
}

/**
 * Adds each increment into fixed-width bins starting at `binsFrom`, spreading it evenly over its interval:
 * an increment across a gap lands on the gap's hours in proportion to their time, and the parts outside
 * the bins are left to the neighbouring windows. Summed over all windows, no energy is lost or doubled.
 */
export function spreadIntoBins(
  increments: readonly Increment[],
  binsFrom: number,
  binMs: number,
  binCount: number,
): number[] {
  const bins = new Array<number>(binCount).fill(0);
  const binsTo = binsFrom + binMs * binCount;
  for (const inc of increments) {
    if (inc.wh === 0 || inc.to <= binsFrom || inc.from >= binsTo) continue;
    const span = inc.to - inc.from;
    const first = Math.max(0, Math.floor((inc.from - binsFrom) / binMs));
    const last = Math.min(binCount - 1, Math.floor((inc.to - 1 - binsFrom) / binMs));
    for (let b = first; b <= last; b++) {
      const start = Math.max(inc.from, binsFrom + b * binMs);
      const end = Math.min(inc.to, binsFrom + (b + 1) * binMs);
      if (end > start) bins[b] = (bins[b] as number) + (inc.wh * (end - start)) / span;
    }
  }
  return bins;
}
