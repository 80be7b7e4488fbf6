import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteOutbox } from "../uplink/sqlite-outbox.js";
import { holdFor, MAX_HOLD_MS, SinkBatch, sinkBatch } from "./sink-batch.js";

const point = (device: string, n: number): Point => ({
  measurement: "pv_inverter",
  tags: { institution: "ehpad-ben-guerir", device },
  fields: { power_w: n },
  time: Date.UTC(2026, 11, 6, 2, 0, n),
});

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.splice(0).reverse()) fn();
});

describe("SinkBatch (polls of a moment in one queue transaction)", () => {
  it("hands the points of polls that end within the hold to the sink in one call, in order, and only then says they are queued", async () => {
    const calls: string[][] = [];
    const events: string[] = [];
    const batch = new SinkBatch((points) => {
      calls.push(points.map((p) => `${p.tags.device}:${p.fields.power_w}`));
      events.push("sink");
    });
    const polls = [
      batch.add([point("inv-1", 1), point("inv-1", 2)], 5_000).then(() => events.push("inv-1 queued")),
      batch.add([point("inv-2", 3)], 5_000).then(() => events.push("inv-2 queued")),
    ];
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([]); // nothing is said to be queued before the sink has the points
    polls.push(batch.add([point("inv-3", 4)], 20).then(() => events.push("inv-3 queued")));
    await Promise.all(polls);
    // The shortest hold set the moment: nobody waited the 5 s of the first two.
    expect(calls).toEqual([["inv-1:1", "inv-1:2", "inv-2:3", "inv-3:4"]]);
    expect(events).toEqual(["sink", "inv-1 queued", "inv-2 queued", "inv-3 queued"]);
  });

  it("fails every poll of a call the sink refuses (a full disk), and the next call works", async () => {
    let refuse = true;
    const taken: Point[][] = [];
    const batch = new SinkBatch((points) => {
      if (refuse) throw new Error("disk full");
      taken.push(points);
    });
    const first = batch.add([point("inv-1", 1)], 30);
    const second = batch.add([point("inv-2", 2)], 30);
    await expect(first).rejects.toThrow("disk full");
    await expect(second).rejects.toThrow("disk full");
    refuse = false;
    await batch.add([point("inv-1", 3)], 30);
    expect(taken).toEqual([[point("inv-1", 3)]]);
  });

  it("writes at once on flush() and with no hold (stopping)", async () => {
    const calls: number[] = [];
    const batch = new SinkBatch((points) => calls.push(points.length));
    const waiting = batch.add([point("inv-1", 1)], 60_000);
    batch.flush();
    await waiting;
    await batch.add([point("inv-1", 2), point("inv-1", 3)], 0);
    expect(calls).toEqual([1, 2]);
  });

  it("holds a poll at most a quarter of its interval, and never more than MAX_HOLD_MS", () => {
    expect(holdFor(5_000)).toBe(MAX_HOLD_MS);
    expect(holdFor(200)).toBe(50);
    expect(holdFor(2)).toBe(0);
    expect(MAX_HOLD_MS).toBeLessThanOrEqual(250);
  });

  it("is shared by the pollers given the same sink, and only by them", () => {
    const sink = () => {};
    expect(sinkBatch(sink)).toBe(sinkBatch(sink));
    expect(sinkBatch(sink)).not.toBe(sinkBatch(() => {}));
  });

  it("stores the polls of one call with one enqueue of the durable queue, committed when they are said to be queued", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-sink-batch-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "outbox.sqlite");
    const outbox = SqliteOutbox.open({ path, maxBytes: 10_000_000 });
    cleanup.push(() => outbox.close());
    const enqueues: number[] = [];
    const batch = new SinkBatch((points) => {
      enqueues.push(points.length);
      outbox.enqueue(points); // one transaction
    });
    const devices = ["inv-1", "inv-2", "inv-3", "inv-4", "inv-5"];
    await Promise.all(devices.map((d, i) => batch.add([point(d, i), point(d, 10 + i)], 50)));
    expect(enqueues).toEqual([10]);
    // Another connection sees every point: committed to the file, not only in this process's memory.
    const reader = new Database(path, { readonly: true });
    cleanup.push(() => reader.close());
    const rows = reader.prepare("SELECT point FROM points ORDER BY id").all() as { point: string }[];
    expect(rows.map((r) => (JSON.parse(r.point) as Point).tags.device)).toEqual(
      devices.flatMap((d) => [d, d]),
    );
  });
});
