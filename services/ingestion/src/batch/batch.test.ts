import { JisrError } from "@jisr/core/errors";
import { describe, expect, it } from "vitest";
import { decodeJsonBatch } from "./json.js";
import { decodeLineBatch } from "./line-protocol.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);
const good = (i: number) => ({
  measurement: "pv_inverter",
  tags: { device: `inv-${i}` },
  fields: { power_w: 1200.5 + i },
  time: T + i * 1000,
});

describe("decodeJsonBatch", () => {
  it("turns wire points into Points, ISO times into epoch ms", () => {
    const batch = decodeJsonBatch(
      { points: [good(0), { ...good(1), time: "2026-11-29T11:00:01+01:00" }] },
      10,
    );
    expect(batch.problems).toEqual([]);
    expect(batch.points).toEqual([
      { measurement: "pv_inverter", tags: { device: "inv-0" }, fields: { power_w: 1200.5 }, time: T },
      { measurement: "pv_inverter", tags: { device: "inv-1" }, fields: { power_w: 1201.5 }, time: T + 1000 },
    ]);
  });

  it("lists every problem of every bad point with its index and full path", () => {
    const bad = [
      good(0),
      { ...good(1), fields: { power_w: "NaN", "Bad Key": 1 } },
      { ...good(2), tags: {} },
      { ...good(3), time: 1_764_410_400 },
      { ...good(4), tags: { device: "inv 4" } },
      "not a point",
    ];
    const batch = decodeJsonBatch({ points: bad }, 10);
    expect(batch.bad).toBe(5);
    expect(batch.total).toBe(6);
    const where = batch.problems.map((p) => [p.index, p.path]);
    expect(where).toEqual([
      [1, "points.1.fields.Bad Key"],
      [2, "points.2.tags.device"],
      [3, "points.3.time"],
      [4, "points.4.tags.device"],
      [5, "points.5"],
      [5, "points.5.tags.device"],
    ]);
    expect(batch.problems.find((p) => p.index === 2)?.message).toBe(
      "is required: every point names its device",
    );
    expect(batch.problems.find((p) => p.index === 3)?.message).toMatch(/seconds instead of milliseconds/);
  });

  it("refuses a body that is not { points: [...] }, naming the path", () => {
    const error = (() => {
      try {
        decodeJsonBatch({ point: [] }, 10);
      } catch (e) {
        return e as JisrError;
      }
    })();
    expect(error).toBeInstanceOf(JisrError);
    expect(error?.statusCode).toBe(400);
    expect(error?.problems?.map((p) => p.path)).toEqual(["points", "(root)"]);
  });

  it("refuses more points than the limit before checking them", () => {
    expect(() => decodeJsonBatch({ points: [1, 2, 3] }, 2)).toThrow(
      "Batch holds 3 points, more than the limit of 2",
    );
  });
});

describe("decodeLineBatch", () => {
  it("reads line protocol in the given precision; a missing time is the receive time", () => {
    const body = [
      "# comment",
      `pv_inverter,device=inv-1,site=roof\\ north power_w=1200.5,status="ok" ${T / 1000}`,
      "",
      "pv_inverter,device=inv-2 power_w=3i",
    ].join("\n");
    const batch = decodeLineBatch(body, "s", 10, T + 5);
    expect(batch.problems).toEqual([]);
    expect(batch.lines).toEqual([2, 4]);
    expect(batch.points).toEqual([
      {
        measurement: "pv_inverter",
        tags: { device: "inv-1", site: "roof north" },
        fields: { power_w: 1200.5, status: "ok" },
        time: T,
      },
      { measurement: "pv_inverter", tags: { device: "inv-2" }, fields: { power_w: 3 }, time: T + 5 },
    ]);
  });

  it("names the line of every bad point, syntax errors included", () => {
    const body = [
      `pv_inverter,device=inv-1 power_w=1 ${T}000000`,
      `pv_inverter power_w=2 ${T}000000`,
      `pv_inverter,device=inv-3 power_w=oops ${T}000000`,
      "",
      `PV,device=inv-4 power_w=4 ${T}`,
    ].join("\n");
    const batch = decodeLineBatch(body, "ns", 10, T);
    expect(batch.bad).toBe(3);
    expect(batch.problems.map((p) => [p.index, p.line, p.path])).toEqual([
      [1, 2, "tags.device"],
      [2, 3, "(line)"],
      [3, 5, "measurement"],
      [3, 5, "time"],
    ]);
    expect(batch.problems[1]?.message).toBe('invalid value "oops" for field "power_w"');
  });

  it("refuses more lines than the limit", () => {
    expect(() => decodeLineBatch("a,device=d v=1\na,device=d v=2", "ns", 1, T)).toThrow(
      /more than the limit of 1/,
    );
  });
});
