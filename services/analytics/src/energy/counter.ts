/**
 * Lifetime energy counters (`energy_wh`, `energy_import_wh`, ...) → the energy of each interval between
 * two readings. Pure: readings in, increments and events out. Every decision that changes energy is an
 * event (the job logs each one and stores their number with the day's results), so every figure can be
 * traced back to its readings.
 *
 * Real counters misbehave, and each case has one rule:
 * - **Plausible increase** (0 ≤ Δ ≤ max power × (Δt + one reading's time resolution) + tolerance): counted,
 *   provisionally: a later fall can still take it back (retraction, below).
 * - **Jitter**: a decrease of at most `jitterWh` (a float32 rounding, a read during the update) counts 0
 *   and the higher value stays the reference, so the same energy is never counted twice.
 * - **Rollover**: an acc32 wraps at 2^32 × its scale; a drop from near `rolloverAtWh` to a small value
 *   counts `new + rolloverAt − old`.
 * - **Spike**: a reading that breaks the rules above while the *next* reading is plausible against the
 *   last good one is a glitch (a zero read, a torn 32-bit read, a garbled register): it is dropped.
 * - **Retraction** (a rise the next readings contradict): a fall to a value that is a plausible increase
 *   from a reading shortly before (within RETRACT_LOOKBACK readings), confirmed by the reading after it,
 *   means the readings in between were bad even though each rise looked possible (a moderate spike): their
 *   increments are taken back and replaced by one increment from that earlier reading. Checked before the
 *   reset rule, so a bad reading on a new meter (whose small value would also pass for "energy since a
 *   reset") is never counted twice.
 * - **Reset** (the device restarted its counter): a drop to a value that is itself plausible since the
 *   previous reading, and agrees with none of the readings before, counts from zero, i.e. the new value is
 *   the energy since the reset.
 * - **Stuck** (a frozen register that catches up): a jump too large for one interval, confirmed by the
 *   next reading, that is plausible since the counter stopped moving, is the energy of the frozen period:
 *   it is spread over that period like a gap's, and reported.
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
  /**
   * Set on a summary reading: it stands for the readings after `cleanSince` up to `time`, which the
   * database found ordinary (every reading present, each rising from the one before by no more than is
   * plausible: jobs/counter-window.ts). It is then counted as those readings would have been (one
   * increment, no event) as long as nothing around it needs them one by one; when something does (an
   * anomaly looking back or ahead, a reference that is not the reading at `cleanSince`), its time is
   * returned in `needReadings` and the caller reads them and runs again. The numbers are the same as
   * from the readings themselves.
   */
  cleanSince?: number;
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

export type CounterEventKind =
  | "spike"
  | "retracted"
  | "reset"
  | "rollover"
  | "stuck"
  | "rebaseline"
  | "gap"
  | "gap_too_long";

/** The events that are decisions about a counter's energy (a gap only says where energy was spread). */
export const ANOMALY_KINDS: ReadonlySet<CounterEventKind> = new Set([
  "spike",
  "retracted",
  "reset",
  "rollover",
  "stuck",
  "rebaseline",
  "gap_too_long",
]);

export interface CounterEvent {
  kind: CounterEventKind;
  /** Time of the reading that raised it. */
  time: number;
  /** The value read. */
  value: number;
  /** The reference it was compared with. */
  reference: number;
  /**
   * Energy left out (rebaseline, gap_too_long), taken back (retracted), counted across a reset or
   * rollover, or spread over a frozen period (stuck), Wh.
   */
  wh?: number;
  /** Retracted: how many readings were found bad; stuck: since when the counter had not moved (epoch ms). */
  readings?: number;
  since?: number;
}

export interface CounterResult {
  increments: Increment[];
  events: CounterEvent[];
  /** Times of summary readings (`cleanSince`) that must be replaced by their readings; empty otherwise. */
  needReadings: number[];
}

/**
 * How many accepted readings back a fall may return to and take the rises since back. A bad value held for
 * a few readings (a register read torn several times, a gateway repeating a bad value) is covered; a
 * longer "spike" is indistinguishable from real energy followed by a meter swap, and stays a rebaseline.
 */
export const RETRACT_LOOKBACK = 6;

/** The largest increase that is physically possible in `dtMs`. */
export function plausibleWh(dtMs: number, o: CounterOptions): number {
  return (o.maxPowerW * (dtMs + o.timeResolutionMs)) / 3_600_000 + o.toleranceWh;
}

/** An accepted reference, with where its increments start in the output (for retraction). */
interface Accepted {
  /** As read; a summary keeps its `cleanSince`. */
  reading: CounterReading;
  /** Index in `increments` of the first increment after this reading. */
  next: number;
}

/** The increments of a lifetime counter; `readings` sorted by time (duplicates of a time are skipped). */
export function counterIncrements(readings: readonly CounterReading[], o: CounterOptions): CounterResult {
  const increments: Increment[] = [];
  const events: CounterEvent[] = [];
  const needReadings = new Set<number>();
  const need = (r: CounterReading | undefined) => {
    if (r?.cleanSince !== undefined) needReadings.add(r.time);
  };
  let ref: CounterReading | undefined;
  /** The last accepted references, oldest first (at most RETRACT_LOOKBACK + 1); cleared where the counter restarted. */
  let history: Accepted[] = [];
  /** The first accepted reading of the current run of unchanged values (a frozen register starts there). */
  let still: Accepted | undefined;
  const remember = (reading: CounterReading) => {
    history.push({ reading, next: increments.length });
    if (history.length > RETRACT_LOOKBACK + 1) history.shift();
    if (!still || still.reading.value !== reading.value) still = { reading, next: increments.length };
  };
  const restart = (reading: CounterReading) => {
    history = [];
    still = undefined;
    ref = reading;
    remember(reading);
  };
  const accept = (r: CounterReading, wh: number, value = r.value) => {
    if (!ref) return;
    if (r.cleanSince === undefined && r.time - ref.time > o.gapMs) events.push(event("gap", r, ref, wh));
    increments.push({ from: ref.time, to: r.time, wh });
    ref = { time: r.time, value, ...(r.cleanSince !== undefined ? { cleanSince: r.cleanSince } : {}) };
    remember(ref);
  };
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as CounterReading;
    if (r.cleanSince !== undefined) {
      // Its readings each rose plausibly from the one before, starting from the reading at cleanSince:
      // from a reference that is that reading (or up to jitterWh above it, kept by a jitter), each was
      // accepted and the reference ended at max(reference, last); anything else needs the readings.
      const d = ref ? r.value - ref.value : Number.NaN;
      if (!ref || ref.time !== r.cleanSince || !(d >= -o.jitterWh)) need(r);
      else accept(r, Math.max(0, d), Math.max(r.value, ref.value));
      continue;
    }
    if (!Number.isFinite(r.value) || r.value < 0) continue;
    if (!ref) {
      restart(r);
      continue;
    }
    const dt = r.time - ref.time;
    if (dt <= 0) continue;
    if (dt > o.maxGapMs) {
      events.push(event("gap_too_long", r, ref, Math.max(0, r.value - ref.value)));
      restart(r);
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
      history = [{ reading: ref as CounterReading, next: increments.length }];
    } else {
      handleAnomaly(r, readings[i + 1], d, limit);
    }
  }
  return { increments, events, needReadings: [...needReadings].sort((a, b) => a - b) };

  // Decided with one reading of lookahead: a glitch is followed by a reading that agrees with the past.
  function handleAnomaly(r: CounterReading, next: CounterReading | undefined, d: number, limit: number) {
    // The rules below look one reading ahead, back through the remembered references and to the start
    // of a run of unchanged values: a summary among them must be read reading by reading.
    need(next);
    for (const h of history) need(h.reading);
    need(still?.reading);
    const base = ref as CounterReading;
    if (next && agrees(base, next, o)) {
      events.push(event("spike", r, base));
      return;
    }
    const confirmed = next !== undefined && agrees(r, next, o);
    const back = d < 0 && confirmed ? returnsTo(r) : undefined;
    if (back !== undefined) {
      retract(r, back, base);
    } else if (d < 0 && r.value <= limit) {
      events.push(event("reset", r, base, r.value));
      accept(r, r.value);
      history = [{ reading: ref as CounterReading, next: increments.length }];
      still = history[0];
    } else if (d > 0 && confirmed && still && still.reading.time < base.time && thaws(still.reading, r)) {
      const from = still.reading;
      const wh = r.value - from.value;
      increments.length = still.next;
      increments.push({ from: from.time, to: r.time, wh });
      events.push({ ...event("stuck", r, base, wh), since: from.time });
      ref = r;
      history = [];
      still = undefined;
      remember(r);
    } else if (confirmed) {
      events.push(event("rebaseline", r, base, Math.abs(d)));
      increments.push({ from: base.time, to: r.time, wh: 0 });
      restart(r);
    } else {
      // Unconfirmed (no next reading yet, or the next one agrees with nothing): drop it for now; a later run
      // with more data decides.
      events.push(event("spike", r, base));
    }
  }

  /** The latest remembered reading before the current reference that `r` plausibly follows. */
  function returnsTo(r: CounterReading): Accepted | undefined {
    for (let k = history.length - 2; k >= 0; k--) {
      const h = history[k] as Accepted;
      if (agrees(h.reading, r, o)) return h;
    }
    return undefined;
  }

  /** Takes back the increments since `back` and counts `back` → `r` instead. */
  function retract(r: CounterReading, back: Accepted, base: CounterReading) {
    const removed = increments.splice(back.next);
    const counted = removed.reduce((s, inc) => s + inc.wh, 0);
    const k = history.indexOf(back);
    const bad = history.length - 1 - k;
    history = history.slice(0, k + 1);
    ref = back.reading;
    still = undefined;
    for (const h of history) if (!still || still.reading.value !== h.reading.value) still = h;
    const d = r.value - back.reading.value;
    const wh = Math.max(0, d);
    events.push({ ...event("retracted", r, base, counted - wh), readings: bad });
    // The energy since `back`, over the whole interval: what the bad readings claimed is not used to place it.
    accept(r, wh, d < 0 ? back.reading.value : r.value);
  }

  /** Whether a frozen counter at `from` reaching `r` is a plausible production over the whole time. */
  function thaws(from: CounterReading, r: CounterReading): boolean {
    const span = r.time - from.time;
    return span <= o.maxGapMs && r.value - from.value <= plausibleWh(span, o);
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
