import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeMqttBatch } from "./batch.js";

const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
const owner = (token: string) => (token === "jisr_a" ? "ehpad-ben-guerir" : undefined);
const limits = { maxPoints: 10, maxBytes: 1000 };
const body = {
  points: [{ measurement: "pv_inverter", tags: { device: "inv-1" }, fields: { power_w: 1 }, time: T0 }],
};
const decode = (payload: Buffer, authorization?: string | string[]) =>
  decodeMqttBatch(
    {
      institution: "ehpad-ben-guerir",
      payload,
      userProperties: authorization === undefined ? undefined : { authorization },
    },
    owner,
    limits,
  );

describe("decodeMqttBatch", () => {
  it("claims the points for the topic's institution, gzipped or not", () => {
    const expected = {
      ok: true,
      points: [{ ...body.points[0], tags: { device: "inv-1", institution: "ehpad-ben-guerir" } }],
    };
    expect(decode(Buffer.from(JSON.stringify(body)), "Bearer jisr_a")).toEqual(expected);
    expect(decode(gzipSync(JSON.stringify(body)), ["Bearer jisr_a"])).toEqual(expected);
  });

  it("refuses a payload that inflates beyond the limit, and a missing token, with the HTTP codes", () => {
    const bomb = gzipSync(Buffer.alloc(100_000, " "));
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    const result = decode(bomb, "Bearer jisr_a");
    expect(result.ok === false && result.error.code).toBe("JISR_ERR_BODY_TOO_LARGE");
    const anonymous = decode(Buffer.from(JSON.stringify(body)));
    expect(anonymous.ok === false && anonymous.error.code).toBe("JISR_ERR_UNAUTHORIZED");
  });
});
