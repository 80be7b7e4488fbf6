// Seeded, deterministic cloud attenuation. It is a pure function of (sim time, seed), so the same
// seed gives the same sky whatever the tick rate or speed, and tests are reproducible.

const MS_PER_DAY = 86_400_000;
/** Spacing of the noise knots: clouds change over minutes, not seconds. */
const KNOT_MS = 4 * 60_000;

/** 32-bit integer hash of a few integers (splitmix-like mixing), as a float in [0, 1). */
export function hashUnit(...ints: number[]): number {
  let h = 0x9e3779b9;
  for (const n of ints) {
    h = Math.imul(h ^ (n | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4_294_967_296;
}

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(Math.max((x - edge0) / (edge1 - edge0), 0), 1);
  return t * t * (3 - 2 * t);
}

/** Smooth value noise in [0, 1) over sim time: hashed knots, cosine-interpolated. */
function valueNoise(utcMs: number, seed: number, channel: number): number {
  const k = Math.floor(utcMs / KNOT_MS);
  const f = (utcMs - k * KNOT_MS) / KNOT_MS;
  const a = hashUnit(seed, channel, k);
  const b = hashUnit(seed, channel, k + 1);
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a + (b - a) * w;
}

/**
 * Share of the sky covered on a UTC day, in [0, 0.8]. Ben Guerir is mostly sunny: about 60 % of
 * days are clear (0).
 */
export function dayCloudiness(utcMs: number, seed: number): number {
  const r = hashUnit(seed, 7, Math.floor(utcMs / MS_PER_DAY));
  return r < 0.6 ? 0 : ((r - 0.6) / 0.4) * 0.8;
}

/**
 * Factor (0.25-1] applied to clear-sky irradiance. A cloud passes when the noise falls under the
 * day's cloudiness; it removes up to 75 % of the light. A light haze (≤ 2 %) flickers on all days.
 */
export function cloudFactor(utcMs: number, seed: number): number {
  const cover = dayCloudiness(utcMs, seed);
  const shade = cover > 0 ? smoothstep(0, 0.12, cover - valueNoise(utcMs, seed, 1)) : 0;
  const haze = 0.02 * valueNoise(utcMs, seed, 2);
  return (1 - 0.75 * shade) * (1 - haze);
}
