/**
 * Money and rounding. Bills are exact to the centime: each line is rounded once to the centime, in the
 * basis its price is written in (TTC or HT), its VAT is rounded once, and the other side is the
 * difference, so HT + VAT = TTC holds on every line and totals are sums of rounded lines (integer
 * centimes, no float drift). Rounding is half away from zero, as on Moroccan bills.
 */
import type { Basis } from "./schema.js";

/** Rounds half away from zero, after dropping float noise (1.005 × 100 = 100.49999999999999 → 100.5). */
export function roundHalfAway(x: number): number {
  const clean = Number(x.toPrecision(12));
  return Math.sign(clean) * Math.round(Math.abs(clean));
}

/** MAD → integer centimes. */
export function centimes(mad: number): number {
  return roundHalfAway(mad * 100);
}

/** Integer centimes → MAD, a number with at most two decimals. */
export function mad(centimesValue: number): number {
  return centimesValue / 100;
}

/** Rounds a quantity (kWh) to `decimals` places, half away from zero. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return roundHalfAway(x * f) / f;
}

export interface Amounts {
  ht: number;
  vat: number;
  ttc: number;
}

/**
 * A line's HT, VAT and TTC in centimes, from its unrounded amount `base` in `basis`. TTC basis: TTC is
 * rounded and VAT = TTC × r / (100 + r) rounded; HT basis: HT is rounded and VAT = HT × r / 100 rounded.
 */
export function splitLine(base: number, basis: Basis, vatPct: number): Amounts {
  if (basis === "ttc") {
    const ttc = centimes(base);
    const vat = roundHalfAway((ttc * vatPct) / (100 + vatPct));
    return { ht: ttc - vat, vat, ttc };
  }
  const ht = centimes(base);
  const vat = roundHalfAway((ht * vatPct) / 100);
  return { ht, vat, ttc: ht + vat };
}
