/** The info summary per interval (and nothing per request at info), against the run's real influxd. */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestBed, type TestBed } from "../../testing/service.js";
import { RequestSummary } from "./summary.js";

describe("RequestSummary", () => {
  it("counts requests, stored points and refusals by code, and gives latency percentiles", () => {
    const s = new RequestSummary();
    for (let ms = 1; ms <= 100; ms++) s.record(ms, 5, undefined);
    s.record(500, 7, "JISR_ERR_INVALID_BATCH");
    s.record(2, 0, "JISR_ERR_UNAUTHORIZED");
    s.record(3, 0, "JISR_ERR_UNAUTHORIZED");
    const line = s.take();
    expect(line).toMatchObject({
      requests: 103,
      points: 500,
      refusals: { JISR_ERR_INVALID_BATCH: 1, JISR_ERR_UNAUTHORIZED: 2 },
      latency_ms: { p50: 50, p95: 96, p99: 100, max: 500 },
    });
    expect(s.take()).toBeUndefined();
  });
});

describe("the summary in the service's log", () => {
  const lines: Array<Record<string, unknown>> = [];
  let bed: TestBed;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    bed = await buildTestBed({
      logger: pino({ level: "info" }, sink),
      summaryIntervalMs: 300,
      groupCommit: { windowMs: 0 },
    });
  });
  afterAll(() => bed.close());

  it("logs one info line per interval with requests, points, refusals by code and latency; no line per request", async () => {
    const T = Date.UTC(2026, 10, 29, 10);
    const send = (body: string, token: string) =>
      bed.app.inject({
        method: "POST",
        url: "/api/v1/write?precision=ms",
        headers: { "content-type": "text/plain", authorization: `Bearer ${token}` },
        payload: body,
      });
    const answers = [
      await send(`sum_m,device=d1 v=1 ${T}\nsum_m,device=d1 v=2 ${T + 1000}`, bed.token),
      await send(`sum_m,device=d2 v=1 ${T}`, bed.otherToken),
      await send(`sum_m,device=d1 v=1 ${T}`, "nope"),
      await send(`sum_m v=1 ${T}`, bed.token),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([204, 204, 401, 400]);
    const deadline = Date.now() + 20_000;
    while (!lines.some((l) => l.msg === "Ingestion summary") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    // A slow machine may spread the four requests over two intervals: the summaries add up.
    await new Promise((r) => setTimeout(r, 700));
    const summaries = lines.filter((l) => l.msg === "Ingestion summary");
    const sum = (k: string) => summaries.reduce((n, l) => n + (l[k] as number), 0);
    const refusals: Record<string, number> = {};
    for (const l of summaries)
      for (const [code, n] of Object.entries(l.refusals as Record<string, number>))
        refusals[code] = (refusals[code] ?? 0) + n;
    expect(summaries.every((l) => l.level === 30)).toBe(true);
    expect({ requests: sum("requests"), points: sum("points"), refusals }).toEqual({
      requests: 4,
      points: 3,
      refusals: { JISR_ERR_UNAUTHORIZED: 1, JISR_ERR_INVALID_BATCH: 1 },
    });
    const s = summaries[0];
    const latency = s?.latency_ms as Record<string, number>;
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p50).toBeLessThanOrEqual(latency.p95 as number);
    expect(latency.p95).toBeLessThanOrEqual(latency.p99 as number);
    expect(latency.p99).toBeLessThanOrEqual(latency.max as number);
    // Nothing per request at info: every info line is the summary or a line of the service's start.
    const perRequest = lines.filter((l) => l.level === 30 && l.msg !== "Ingestion summary" && "reqId" in l);
    expect(perRequest).toEqual([]);
  });
});
