/** Results are rounded once, when they become fields: Wh to 0.1, % to 0.01, MAD to the centime, kg to grams. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  // EPSILON nudge: 1.005 × 100 is 100.49999…, which would round down to 1.00 instead of 1.01.
  return Math.round((value + Math.sign(value) * Number.EPSILON * Math.abs(value)) * f) / f;
}

export const DECIMALS = { wh: 1, pct: 2, mad: 2, kg: 3, ratio: 4 } as const;
