import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Point } from "@jisr/core";
import Database from "better-sqlite3";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { OutboxError } from "./outbox.js";
import { outboxContract } from "./outbox-contract.js";
import { SqliteOutbox, type SqliteOutboxOptions } from "./sqlite-outbox.js";

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "jisr-sqlite-outbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `outbox-${++files}.sqlite`);
const opened: SqliteOutbox[] = [];
function open(options: Partial<SqliteOutboxOptions> & { path: string }): SqliteOutbox {
  const outbox = SqliteOutbox.open({ maxBytes: 64 * MiB, ...options });
  opened.push(outbox);
  return outbox;
}
afterAll(() => {
  for (const o of opened) o.close();
});

outboxContract("SqliteOutbox", (maxPoints) => open({ path: freshPath(), maxPoints }));

/** A poll's worth of inverter readings, about 300 bytes each as JSON. */
function reading(n: number): Point {
  return {
    measurement: "pv_inverter",
    tags: { institution: "ehpad-ben-guerir", device: `inv-${n % 40}` },
    fields: { power_w: n, energy_wh: 1_000_000 + n, ac_voltage_v: 231.4, frequency_hz: 50.01, state: "MPPT" },
    time: 1_800_000_000_000 + n * 10_000,
  };
}
const numbers = (outbox: SqliteOutbox) => outbox.peek(1_000_000).map((e) => e.point.fields.power_w);

function logLines(): { lines: { msg: string; level: number }[]; logger: pino.Logger } {
  const lines: { msg: string; level: number }[] = [];
  return { lines, logger: pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) }) };
}

describe("SqliteOutbox", () => {
  it("keeps what was queued across a close and a reopen, in order, until acknowledged", () => {
    const path = freshPath();
    const first = SqliteOutbox.open({ path, maxBytes: 64 * MiB, maxPoints: 3 });
    first.enqueue([reading(1), reading(2)]);
    first.enqueue([reading(3), reading(4)]); // drops reading 1: the count survives too
    first.ack(first.peek(1).map((e) => e.id));
    first.close();
    const again = open({ path, maxPoints: 3 });
    expect(numbers(again)).toEqual([3, 4]);
    expect(again.peek(1)[0]?.point).toEqual(reading(3));
    expect(again.stats()).toMatchObject({ points: 2, dropped_total: 1 });
  });

  it("keeps every committed enqueue when the process is killed with SIGKILL before closing", () => {
    const path = freshPath();
    const script = fileURLToPath(new URL("./testdata/enqueue-then-die.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", script, path, "250"], { encoding: "utf8" });
    expect(child.signal).toBe("SIGKILL");
    expect(child.stdout).toBe("queued\n");
    expect(existsSync(`${path}-wal`)).toBe(true); // not checkpointed: recovered from the log
    const outbox = open({ path });
    expect(numbers(outbox)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it("writes ahead (WAL) and can be read by another connection while open", () => {
    const path = freshPath();
    const outbox = open({ path });
    outbox.enqueue([reading(1)]);
    const reader = new Database(path, { readonly: true, fileMustExist: true });
    expect(reader.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(reader.prepare("SELECT count(*) AS n FROM points").get()).toEqual({ n: 1 });
    reader.close();
  });

  it("stays within buffer.max_bytes on disk, dropping the oldest with a counter and one log line", () => {
    const path = freshPath();
    const { lines, logger } = logLines();
    const outbox = open({ path, maxBytes: MiB, logger });
    const footprint = () =>
      statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    let n = 0;
    let largest = 0;
    // ~3 MiB of readings, 40 per transaction: three times the budget.
    while (n < 10_000) {
      outbox.enqueue(Array.from({ length: 40 }, () => reading(++n)));
      largest = Math.max(largest, footprint());
    }
    expect(largest).toBeLessThanOrEqual(MiB);
    const kept = outbox.size();
    expect(kept).toBeGreaterThan(1000);
    expect(kept).toBeLessThan(n);
    // What is left is the newest readings, in order: the oldest went first.
    expect(numbers(outbox)).toEqual(Array.from({ length: kept }, (_, i) => n - kept + i + 1));
    expect(outbox.stats().dropped_total).toBe(n - kept);
    const full = lines.filter((l) => l.msg.startsWith("Queue full"));
    expect(full).toHaveLength(1);
    expect(full[0]?.level).toBe(40);

    outbox.ack(outbox.peek(500).map((e) => e.id));
    expect(lines.at(-1)?.msg).toBe("Queue has room again");
    for (let i = 0; i < 25; i++) outbox.enqueue(Array.from({ length: 40 }, () => reading(++n)));
    expect(lines.filter((l) => l.msg.startsWith("Queue full"))).toHaveLength(2);
    outbox.checkpoint();
    expect(footprint()).toBeLessThanOrEqual(MiB);
  });

  it("applies a lowered budget when it opens, counting what it drops", () => {
    const path = freshPath();
    const big = SqliteOutbox.open({ path, maxBytes: 64 * MiB });
    let n = 0;
    for (let i = 0; i < 200; i++) big.enqueue(Array.from({ length: 50 }, () => reading(++n)));
    big.close();
    expect(statSync(path).size).toBeGreaterThan(2 * MiB);
    const small = open({ path, maxBytes: MiB });
    expect(small.stats().dropped_total).toBe(n - small.size());
    expect(numbers(small).at(-1)).toBe(n);
    expect(statSync(path).size).toBeLessThanOrEqual(MiB);
  });

  it("tells the technician to move a damaged file aside and restart", () => {
    const path = freshPath();
    writeFileSync(path, "this is not a database ".repeat(500));
    let error: unknown;
    try {
      SqliteOutbox.open({ path, maxBytes: MiB });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OutboxError);
    expect((error as Error).message).toBe(
      `Queue file "${path}" is damaged (file is not a database): stop the gateway, move "${path}" and its ` +
        '"-wal" and "-shm" files aside (e.g. into a folder named "damaged"), and start the gateway again: ' +
        "it starts with an empty queue; the readings still in the damaged file are not sent",
    );
  });

  it("refuses a file already open in this process, and one written by a newer gateway", () => {
    const path = freshPath();
    open({ path });
    expect(() => SqliteOutbox.open({ path, maxBytes: MiB })).toThrow(
      /is already used by another gateway in this process: give each gateway its own data_dir/,
    );
    const newer = freshPath();
    const db = new Database(newer);
    db.pragma("user_version = 99");
    db.close();
    expect(() => SqliteOutbox.open({ path: newer, maxBytes: MiB })).toThrow(
      /was written by a newer gateway \(format 99, this one knows 1\): update this gateway/,
    );
  });

  it("names the folder when it cannot create the file", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    expect(() => SqliteOutbox.open({ path: join(blocker, "outbox.sqlite"), maxBytes: MiB })).toThrow(
      `Cannot create the queue's folder "${blocker}" (EEXIST: file already exists, mkdir '${blocker}'): check data_dir in the config`,
    );
  });

  it("sets refused points aside with their reason, keeps the last ones only, and counts them all", () => {
    const path = freshPath();
    let now = 1_800_000_000_000;
    const first = SqliteOutbox.open({ path, maxBytes: 64 * MiB, keepRejected: 3, clock: () => now });
    first.enqueue([1, 2, 3, 4, 5, 6].map(reading));
    const bytesBefore = first.stats().bytes;
    const [e1, e2, e3, e4] = first.peek(4);
    first.reject([
      { id: e2?.id ?? -1, reason: "fields.state: field type conflict" },
      { id: 99_999, reason: "not in the queue: ignored" },
    ]);
    expect(numbers(first)).toEqual([1, 3, 4, 5, 6]);
    expect(first.size()).toBe(5);
    expect(first.stats().bytes).toBeLessThan(bytesBefore);
    expect(first.rejected()).toEqual([
      { rejected_at: now, reason: "fields.state: field type conflict", point: reading(2) },
    ]);
    now += 1000;
    const long = "x".repeat(2000);
    first.reject([e1, e3, e4].map((e, i) => ({ id: e?.id ?? -1, reason: i === 2 ? long : `reason ${i}` })));
    expect(numbers(first)).toEqual([5, 6]);
    // Three kept, the newest first; the oldest refusal (reading 2) made room. A long reason is cut.
    const kept = first.rejected();
    expect(kept.map((r) => r.point.fields.power_w)).toEqual([4, 3, 1]);
    expect(kept.map((r) => r.reason.length)).toEqual([501, 8, 8]);
    expect(kept[0]?.reason.endsWith("…")).toBe(true);
    expect(first.rejectedTotal()).toBe(4);
    first.close();

    const again = open({ path, keepRejected: 3 });
    expect(again.rejectedTotal()).toBe(4);
    expect(again.rejected(1).map((r) => r.point)).toEqual([reading(4)]);
    expect(again.stats()).toMatchObject({ points: 2, dropped_total: 0 });
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM rejected").get()).toEqual({ n: 3 });
    db.close();
  });

  it("keeps refused points within a tenth of the budget, and the file within buffer.max_bytes", () => {
    // 1 MiB: a WAL allowance of 256 KiB leaves about 630 KB for rows, so about 63 KB for refused points.
    const path = freshPath();
    const outbox = open({ path, maxBytes: MiB });
    const heavy = (n: number): Point => ({ ...reading(n), fields: { note: "y".repeat(1000) } });
    for (let n = 0; n < 200; n++) {
      outbox.enqueue([heavy(n)]);
      outbox.reject(outbox.peek(1).map((e) => ({ id: e.id, reason: "too heavy" })));
    }
    expect(outbox.size()).toBe(0);
    expect(outbox.rejectedTotal()).toBe(200);
    const kept = outbox.rejected(1000);
    expect(kept.length).toBeGreaterThan(40);
    expect(kept.length).toBeLessThan(70);
    expect(kept[0]?.point).toEqual(heavy(199));

    // A full queue beside a full `rejected` table still fits.
    const footprint = () =>
      statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    let largest = 0;
    for (let n = 0; n < 10_000; n += 40) {
      outbox.enqueue(Array.from({ length: 40 }, (_, i) => reading(n + i)));
      largest = Math.max(largest, footprint());
    }
    expect(outbox.stats().dropped_total).toBeGreaterThan(0);
    expect(outbox.rejected(1000)).toHaveLength(kept.length);
    expect(largest).toBeLessThanOrEqual(MiB);
  });
});
