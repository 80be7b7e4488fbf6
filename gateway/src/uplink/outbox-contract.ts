/**
 * The contract every Outbox passes (STYLE.md habit 6): run it from each implementation's test file, so the
 * durable outbox is held to exactly what the in-memory one promises.
 */
import type { Point } from "@jisr/core";
import { describe, expect, it } from "vitest";
import type { Outbox } from "./outbox.js";

function point(n: number): Point {
  return {
    measurement: "pv_inverter",
    tags: { device: "inv-1" },
    fields: { power_w: n },
    time: 1_800_000_000_000 + n,
  };
}

const powers = (entries: { point: Point }[]) => entries.map((e) => e.point.fields.power_w);

/** `make(maxPoints)` returns a fresh, empty outbox holding at most maxPoints. */
export function outboxContract(name: string, make: (maxPoints: number) => Outbox): void {
  describe(`Outbox contract: ${name}`, () => {
    it("gives points back oldest first, and keeps them until acknowledged", () => {
      const outbox = make(100);
      outbox.enqueue([point(1), point(2)]);
      outbox.enqueue([point(3)]);
      expect(outbox.size()).toBe(3);
      expect(powers(outbox.peek(2))).toEqual([1, 2]);
      expect(powers(outbox.peek(2))).toEqual([1, 2]);
      expect(outbox.peek(10)[2]?.point).toEqual(point(3));
      expect(outbox.size()).toBe(3);
    });

    it("removes exactly the acknowledged entries and ignores unknown ids", () => {
      const outbox = make(100);
      outbox.enqueue([point(1), point(2), point(3)]);
      const [first, second] = outbox.peek(2);
      outbox.ack([first?.id ?? -1, second?.id ?? -1, 99_999]);
      expect(powers(outbox.peek(10))).toEqual([3]);
      outbox.ack([first?.id ?? -1]);
      expect(outbox.size()).toBe(1);
    });

    it("drops the oldest points when full", () => {
      const outbox = make(3);
      outbox.enqueue([point(1), point(2), point(3), point(4)]);
      outbox.enqueue([point(5)]);
      expect(outbox.size()).toBe(3);
      expect(powers(outbox.peek(10))).toEqual([3, 4, 5]);
    });

    it("gives increasing ids in enqueue order", () => {
      const outbox = make(100);
      outbox.enqueue([point(1), point(2)]);
      outbox.enqueue([point(3)]);
      const ids = outbox.peek(10).map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(3);
    });

    it("never reuses an id, even after the queue ran empty", () => {
      const outbox = make(100);
      outbox.enqueue([point(1), point(2)]);
      const before = outbox.peek(10).map((e) => e.id);
      outbox.ack(before);
      outbox.enqueue([point(3)]);
      const [after] = outbox.peek(10);
      expect(after?.id).toBeGreaterThan(Math.max(...before));
      outbox.ack(before); // a late acknowledgement of the old ids leaves the new point alone
      expect(powers(outbox.peek(10))).toEqual([3]);
    });

    it("gives the entries after an id, oldest first, and the newest id (the sender's live lane)", () => {
      const outbox = make(100);
      expect(outbox.newestId?.()).toBeUndefined();
      outbox.enqueue([point(1), point(2), point(3)]);
      const top = outbox.newestId?.() as number;
      expect(top).toBe(outbox.peek(10).at(-1)?.id);
      outbox.enqueue([point(4), point(5), point(6)]);
      expect(powers(outbox.peekAfter?.(top, 2) ?? [])).toEqual([4, 5]);
      outbox.ack((outbox.peekAfter?.(top, 10) ?? []).map((e) => e.id));
      expect(powers(outbox.peek(10))).toEqual([1, 2, 3]);
      expect(outbox.peekAfter?.(top, 10)).toEqual([]);
    });

    it("reports its depth, bytes, oldest queued instant and dropped total", () => {
      const outbox = make(3);
      expect(outbox.stats()).toEqual({ points: 0, bytes: 0, dropped_total: 0 });
      const before = Date.now();
      outbox.enqueue([point(1), point(2)]);
      const two = outbox.stats();
      expect(two).toMatchObject({ points: 2, dropped_total: 0 });
      expect(two.bytes).toBeGreaterThanOrEqual(2 * JSON.stringify(point(1)).length);
      expect(two.oldest_queued_at).toBeGreaterThanOrEqual(before);
      expect(two.oldest_queued_at).toBeLessThanOrEqual(Date.now());
      outbox.enqueue([point(3), point(4), point(5)]);
      expect(outbox.stats()).toMatchObject({ points: 3, dropped_total: 2 });
      outbox.ack(outbox.peek(10).map((e) => e.id));
      expect(outbox.stats()).toEqual({ points: 0, bytes: 0, dropped_total: 2 });
    });
  });
}
