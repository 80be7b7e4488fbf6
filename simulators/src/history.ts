// Bounded history of what a simulator served, so end-to-end tests can compare stored data with it.

/** A fixed-capacity ring buffer; the oldest entry is dropped when full. */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.#items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    const end = (this.#start + this.#length) % this.capacity;
    this.#items[end] = item;
    if (this.#length < this.capacity) this.#length++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** Entry `i` from the oldest (0) to the newest (length − 1); negative counts from the newest. */
  at(i: number): T | undefined {
    const idx = i < 0 ? this.#length + i : i;
    if (idx < 0 || idx >= this.#length) return undefined;
    return this.#items[(this.#start + idx) % this.capacity];
  }

  toArray(): T[] {
    return Array.from({ length: this.#length }, (_, i) => this.at(i) as T);
  }
}

export interface Timed {
  /** Wall-clock ms since the epoch when this entry took effect. */
  at: number;
}

/**
 * The entry in effect at `wallMs`: the newest one with `at ≤ wallMs` (binary search; entries are
 * pushed in time order). `undefined` before the first retained entry.
 */
export function entryAt<T extends Timed>(buf: RingBuffer<T>, wallMs: number): T | undefined {
  let lo = 0;
  let hi = buf.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const item = buf.at(mid) as T;
    if (item.at <= wallMs) {
      found = item;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
