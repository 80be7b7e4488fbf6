/**
 * The buckets of one aggregate (measurement, field, function, width), kept between evaluations so each
 * evaluation asks the store only for the recent end of the window: the buckets since the last query,
 * plus `lateMs` before it, because a gateway back from an outage delivers old readings late.
 */
import type { AggregateFn, Store } from "@jisr/core/store";

export interface BucketKey {
  measurement: string;
  field: string;
  fn: AggregateFn;
  everyMs: number;
  groupBy: string[];
}

interface Group {
  tags: Record<string, string>;
  values: Map<number, number>;
}

export class BucketCache {
  readonly key: BucketKey;
  readonly #groups = new Map<string, Group>();
  #coveredFrom = Number.POSITIVE_INFINITY;
  #coveredTo = Number.NEGATIVE_INFINITY;

  constructor(key: BucketKey) {
    this.key = key;
  }

  #align(t: number): number {
    return Math.floor(t / this.key.everyMs) * this.key.everyMs;
  }

  /** Brings [from, to) up to date; returns the number of store queries made (0 or 1). */
  async refresh(store: Store, from: number, to: number, lateMs: number): Promise<number> {
    const start = this.#align(from);
    if (start >= to) return 0;
    const incremental = start >= this.#coveredFrom && this.#coveredTo > start;
    const queryFrom = incremental ? Math.max(start, this.#align(this.#coveredTo - lateMs)) : start;
    const { measurement, field, fn, everyMs, groupBy } = this.key;
    const series = await store.aggregate({ measurement, field, fn, everyMs, groupBy, from: queryFrom, to });
    if (!incremental) this.#groups.clear();
    for (const group of this.#groups.values()) {
      for (const t of group.values.keys()) if (t < start || t >= queryFrom) group.values.delete(t);
    }
    for (const s of series) {
      const id = JSON.stringify(groupBy.map((k) => s.tags[k] ?? ""));
      let group = this.#groups.get(id);
      if (!group) {
        group = { tags: s.tags, values: new Map() };
        this.#groups.set(id, group);
      }
      for (const p of s.points) group.values.set(p.time, p.value);
    }
    this.#coveredFrom = start;
    this.#coveredTo = to;
    return 1;
  }

  /** Every bucket starting in [from, to), per group. */
  *buckets(
    from: number,
    to: number,
  ): Generator<{ tags: Record<string, string>; time: number; value: number }> {
    for (const group of this.#groups.values()) {
      for (const [time, value] of group.values) {
        if (time >= from && time < to) yield { tags: group.tags, time, value };
      }
    }
  }
}
