/**
 * Buffers for request bodies, used again from one request to the next. A 5 000-point batch is 1.2-1.6 MB;
 * read the usual way (Fastify's `parseAs: "buffer"`) each request gets a fresh buffer of that size, and
 * at 20-40 batches a second those megabytes of memory outside V8's heap drive its major garbage
 * collections (a fifth of the service's CPU in a profile under `npm run bench:ingestion`).
 *
 * A buffer is handed out for one request and given back only once nothing can read it any more: after
 * the answer is sent (the write route answers only once its group commit settled, so the bytes the
 * store wrote from it are no longer in use). A buffer never given back (an aborted request) is simply
 * collected. The pool keeps at most `maxBytes`: memory stays bounded whatever the load.
 */

/** Smallest buffer handed out: bodies below it are cheap to allocate anyway. */
export const MIN_POOLED_BYTES = 64 * 1024;
/** Most bytes kept for later; beyond it a given-back buffer is left to the garbage collector. */
export const DEFAULT_POOL_BYTES = 32 * 1024 * 1024;

/** Sizes are rounded up to a power of two so that buffers fit bodies of nearby sizes. */
function capacityFor(size: number): number {
  let capacity = MIN_POOLED_BYTES;
  while (capacity < size) capacity *= 2;
  return capacity;
}

export class BodyPool {
  /** Free buffers by capacity. */
  readonly #free = new Map<number, Buffer[]>();
  /** Buffers handed out and not yet given back: a buffer given back twice is taken once. */
  readonly #lent = new WeakSet<Buffer>();
  #freeBytes = 0;
  /** Buffers handed out, and how many of them were used before (the pool at work). */
  readonly stats = { acquired: 0, reused: 0 };

  constructor(readonly maxBytes = DEFAULT_POOL_BYTES) {}

  /** Bytes held free right now. */
  get freeBytes(): number {
    return this.#freeBytes;
  }

  /**
   * A buffer of at least `size` bytes (its content is whatever the last user left), or undefined when
   * the size is not worth pooling (small) or could not be kept (larger than the pool).
   */
  acquire(size: number): Buffer | undefined {
    if (size < MIN_POOLED_BYTES / 2 || size > this.maxBytes) return undefined;
    const capacity = capacityFor(size);
    const list = this.#free.get(capacity);
    let buf = list?.pop();
    if (buf) {
      this.#freeBytes -= capacity;
      this.stats.reused++;
    } else buf = Buffer.allocUnsafeSlow(capacity);
    this.stats.acquired++;
    this.#lent.add(buf);
    return buf;
  }

  /** Gives back a buffer from `acquire`; the caller must not touch it (or any view of it) afterwards. */
  release(buf: Buffer): void {
    if (!this.#lent.has(buf)) return;
    this.#lent.delete(buf);
    if (this.#freeBytes + buf.length > this.maxBytes) return;
    const list = this.#free.get(buf.length);
    if (list) list.push(buf);
    else this.#free.set(buf.length, [buf]);
    this.#freeBytes += buf.length;
  }
}
