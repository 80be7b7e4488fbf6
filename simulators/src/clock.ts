// Simulation clock: sim time = start + (wall − wallStart) × speed. Demos and tests run a day in
// minutes with a high speed; a fixed start puts the plant at, say, noon whatever the wall time.

export interface SimClockOptions {
  /** Sim instant at wall `wallStart`; defaults to the wall time itself. */
  start?: Date;
  /** Sim milliseconds per wall millisecond; default 1. */
  speed?: number;
  /** Wall clock in ms since the epoch; injectable for tests. */
  wallNow?: () => number;
}

export interface SimClock {
  readonly speed: number;
  readonly wallStart: number;
  readonly simStart: number;
  /** Sim time (ms since the epoch, UTC) at a wall instant. */
  simAt(wallMs: number): number;
  /** Current wall time. */
  wallNow(): number;
  /** Current sim time. */
  now(): number;
}

export function createSimClock(opts: SimClockOptions = {}): SimClock {
  const speed = opts.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
  const wallNow = opts.wallNow ?? Date.now;
  const wallStart = wallNow();
  const simStart = opts.start?.getTime() ?? wallStart;
  if (Number.isNaN(simStart)) throw new RangeError("clock start is an invalid date");
  const simAt = (wallMs: number): number => simStart + (wallMs - wallStart) * speed;
  return { speed, wallStart, simStart, simAt, wallNow, now: () => simAt(wallNow()) };
}
