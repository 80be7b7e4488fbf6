/**
 * Time-ordered access to a series. Readings usually arrive sorted (InfluxDB returns them in time order),
 * so the order is checked, not assumed, and the check is remembered per array: a month of one-minute data
 * is scanned once, not once per day. Series are readonly by contract; do not mutate one after passing it.
 */
import type { Sample } from "./types.js";

const sortedOf = new WeakMap<readonly unknown[], readonly unknown[]>();

/** The series in time order: itself if already sorted, else a sorted copy (the same copy every time). */
export function sortedSeries<V>(series: readonly Sample<V>[]): readonly Sample<V>[] {
  const known = sortedOf.get(series) as readonly Sample<V>[] | undefined;
  if (known) return known;
  let sorted: readonly Sample<V>[] = series;
  for (let i = 1; i < series.length; i++) {
    if ((series[i] as Sample<V>).time < (series[i - 1] as Sample<V>).time) {
      sorted = [...series].sort((a, b) => a.time - b.time);
      break;
    }
  }
  sortedOf.set(series, sorted);
  sortedOf.set(sorted, sorted);
  return sorted;
}

/** Index of the last reading at or before `t` in a sorted series, −1 if none. */
export function lastAtOrBefore<V>(sorted: readonly Sample<V>[], t: number): number {
  let lo = 0;
  let hi = sorted.length; // answer + 1 lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as Sample<V>).time <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
