/**
 * Group commit against real influxd: concurrent requests stored in one write, each answered for its own
 * points; a type conflict in one request does not take the others down; influxd killed while a group is
 * waiting answers every request of it 503 with Retry-After; the cap on held points answers 503 at once;
 * groups ready while every write is in flight are written together once one ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfluxStore } from "@jisr/core/store";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { startInfluxd } from "../../../../test/servers/influxd.js";
import { buildApp } from "../app.js";
import { createInfluxStore } from "../influx.js";
import { buildTestBed, influxQuery, makeTokens, type TestBed } from "../testing/service.js";
import { fastLineBatch } from "./fast.js";
import { GroupCommitter } from "./group-commit.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);

function post(app: FastifyInstance, token: string, body: string) {
  return app.inject({
    method: "POST",
    url: "/api/v1/write?precision=ms",
    headers: { "content-type": "text/plain", authorization: `Bearer ${token}` },
    payload: body,
  });
}

const lines = (m: string, device: string, n: number, value = "1") =>
  Array.from({ length: n }, (_, i) => `${m},device=${device} v=${value} ${T + i * 1000}`).join("\n");

/** Waits until `check` holds, checking every 10 ms, for at most 20 s (generous for a loaded machine). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met within 20 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("group commit on the run's influxd", () => {
  let bed: TestBed;
  beforeAll(async () => {
    // A long window, so the requests below are sure to share a group however slow the machine.
    bed = await buildTestBed({ groupCommit: { windowMs: 1_000, maxPoints: 5_000, maxInFlightPoints: 30 } });
  });
  afterAll(() => bed.close());

  it("stores the points of concurrent requests in one write and answers each 204", async () => {
    const groups = bed.app.commit.stats.groups;
    const answers = await Promise.all([
      post(bed.app, bed.token, lines("gc_one", "d1", 3)),
      post(bed.app, bed.token, lines("gc_one", "d2", 3)),
      post(bed.app, bed.otherToken, lines("gc_one", "d3", 3)),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([204, 204, 204]);
    expect(bed.app.commit.stats.groups - groups).toBe(1);
    const rows = await bed.query('SELECT count("v") FROM "gc_one" GROUP BY "device", "institution"');
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.count === 3)).toBe(true);
  });

  it("writes a group refused for one request's content again request by request: only that one gets 400", async () => {
    const splits = bed.app.commit.stats.splits;
    const answers = await Promise.all([
      post(bed.app, bed.token, lines("gc_conflict", "d1", 2, "1")),
      post(bed.app, bed.token, lines("gc_conflict", "d2", 2, '"text"')),
      post(bed.app, bed.otherToken, lines("gc_conflict", "d3", 2, "3")),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([204, 400, 204]);
    expect(answers[1]?.json().error.code).toBe("JISR_ERR_STORE_REJECTED");
    expect(bed.app.commit.stats.splits - splits).toBe(1);
    const rows = await bed.query('SELECT "v", "device" FROM "gc_conflict"');
    expect(rows.map((r) => r.device).sort()).toEqual(["d1", "d1", "d3", "d3"]);
  });

  it("refuses at once with 503 and Retry-After when the points held would pass the cap, never queues them", async () => {
    const first = post(bed.app, bed.token, lines("gc_cap", "d1", 20));
    await until(() => bed.app.commit.inFlightPoints === 20);
    const refused = await post(bed.app, bed.token, lines("gc_cap", "d2", 20));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.json().error.code).toBe("JISR_ERR_OVERLOADED");
    expect((await first).statusCode).toBe(204);
    expect(bed.app.commit.inFlightPoints).toBe(0);
    const rows = await bed.query('SELECT count("v") FROM "gc_cap" GROUP BY "device"');
    expect(rows).toEqual([{ time: 0, count: 20 }]);
  });
});

describe("group commit when influxd dies", () => {
  it("answers every request of a group waiting when influxd is killed 503 with Retry-After; what was answered 204 before is stored", async () => {
    const influx = await startInfluxd();
    const dir = mkdtempSync(join(tmpdir(), "jisr-gc-"));
    const store = createInfluxStore({
      influxUrl: influx.url,
      database: "gc_dies",
      logger: pino({ level: "silent" }),
      timeoutMs: 5_000,
    });
    const tokens = await makeTokens(dir);
    const app = await buildApp({
      store,
      tokensFile: tokens.tokensFile,
      groupCommit: { windowMs: 1_500, maxPoints: 5_000 },
    });
    try {
      await store.init();
      const before = await Promise.all([
        post(app, tokens.token, lines("gc_dies", "d1", 4)),
        post(app, tokens.otherToken, lines("gc_dies", "d2", 4)),
      ]);
      expect(before.map((a) => a.statusCode)).toEqual([204, 204]);
      expect(await influxQuery(influx.url, "gc_dies", 'SELECT count("v") FROM "gc_dies"')).toEqual([
        { time: 0, count: 8 },
      ]);

      const group = [
        post(app, tokens.token, lines("gc_dies", "d3", 4)),
        post(app, tokens.token, lines("gc_dies", "d4", 4)),
        post(app, tokens.otherToken, lines("gc_dies", "d5", 4)),
      ];
      // All three are waiting in one group when influxd goes away without a word.
      await until(() => app.commit.inFlightPoints === 12);
      influx.process.kill("SIGKILL");
      const answers = await Promise.all(group);
      for (const a of answers) {
        expect(a.statusCode).toBe(503);
        expect(a.json().error.code).toBe("JISR_ERR_STORE_UNAVAILABLE");
        expect(Number(a.headers["retry-after"])).toBeGreaterThan(0);
      }
      expect(app.commit.inFlightPoints).toBe(0);
    } finally {
      await app.close();
      await store.close();
      await influx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("group commit with every write in flight", () => {
  const limits = { maxFields: 500, maxTags: 32 };
  const batch = (i: number) => {
    const b = fastLineBatch(`gc_busy,device=d${i} v=${i} ${T}`, "ms", 10, T, limits, "inst-a");
    if (!b) throw new Error("the fast path refused a plain line");
    return b;
  };

  it.each([
    // One write at a time, no window: the first request is written alone, the 19 that came while it
    // was in flight together, within maxPoints (5 000, then 10: two writes of 10 and 9).
    { maxPoints: 5_000, writes: 2 },
    { maxPoints: 10, writes: 3 },
  ])(
    "writes the groups ready meanwhile together, up to maxPoints ($maxPoints): $writes writes",
    async ({ maxPoints, writes }) => {
      const database = uniqueDatabase("gc_busy");
      const store = new InfluxStore({ url: influxUrl(), database });
      await store.init();
      try {
        const commit = new GroupCommitter(store, {
          windowMs: 0,
          maxPoints,
          maxInFlightPoints: 1_000,
          maxConcurrentWrites: 1,
        });
        await Promise.all(Array.from({ length: 20 }, (_, i) => commit.submit(batch(i))));
        expect(commit.stats).toMatchObject({ groups: 20, writes });
        expect(await influxQuery(influxUrl(), database, 'SELECT count("v") FROM "gc_busy"')).toEqual([
          { time: 0, count: 20 },
        ]);
      } finally {
        await store.close();
      }
    },
  );
});
