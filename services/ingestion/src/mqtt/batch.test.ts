import { gzipSync } from "node:zlib";
import { hashToken } from "@jisr/service-kit";
import { describe, expect, it } from "vitest";
import { authorizeBatch, countPoints, judgeOwner, QUARANTINE_REASON, splitMqttBatch } from "./batch.js";

const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
const A = "ehpad-ben-guerir";
const TOKEN_A = `jisr_${"a".repeat(43)}`;
const owner = (token: string) =>
  token === TOKEN_A ? A : token === "jisr_b" ? "foyer-sidi-bennour" : undefined;
const limits = { maxPoints: 10, maxBytes: 1000 };
const good = (n: number) => ({
  measurement: "pv_inverter",
  tags: { device: "inv-1" },
  fields: { power_w: n },
  time: T0 + n,
});
const json = (body: unknown) => Buffer.from(JSON.stringify(body));

describe("authorizeBatch", () => {
  it("accepts the topic's institution's token and tells missing, unknown and foreign tokens apart", () => {
    const auth = (value?: string | string[]) =>
      authorizeBatch(A, value === undefined ? undefined : { authorization: value }, owner);
    expect(auth(`Bearer ${TOKEN_A}`)).toEqual({ ok: true });
    expect(auth([`Bearer ${TOKEN_A}`])).toEqual({ ok: true });
    expect(auth()).toEqual({
      ok: false,
      code: "JISR_ERR_UNAUTHORIZED",
      reason: QUARANTINE_REASON.missing,
      tokenSha256: undefined,
    });
    expect(auth("Bearer jisr_unknown")).toEqual({
      ok: false,
      code: "JISR_ERR_UNAUTHORIZED",
      reason: QUARANTINE_REASON.unknown,
      tokenSha256: hashToken("jisr_unknown"),
    });
    expect(auth("Bearer jisr_b")).toMatchObject({
      ok: false,
      code: "JISR_ERR_FORBIDDEN_INSTITUTION",
      reason: `token of another institution: it belongs to "foyer-sidi-bennour", the topic names "${A}"`,
    });
    // The same judgement from a kept hash, once the tokens file knows it.
    expect(judgeOwner(A, A, hashToken("jisr_unknown"))).toEqual({ ok: true });
  });
});

describe("splitMqttBatch", () => {
  it("claims the good points for the topic's institution, gzipped or not", () => {
    const body = { points: [good(1)] };
    const expected = {
      ok: true,
      total: 1,
      good: [{ point: { ...good(1), tags: { device: "inv-1", institution: A } }, index: 0, raw: good(1) }],
      rejections: [],
    };
    expect(splitMqttBatch(A, json(body), limits)).toEqual(expected);
    expect(splitMqttBatch(A, gzipSync(json(body)), limits)).toEqual(expected);
  });

  it("splits out each bad point with its path, message and code, and keeps the others", () => {
    const points = [
      good(1),
      { ...good(2), fields: { "Power W": 1 } },
      { ...good(3), tags: { device: "inv-1", institution: "foyer-sidi-bennour" } },
      good(4),
      { ...good(5), tags: {} },
    ];
    const result = splitMqttBatch(A, json({ points }), limits);
    if (!result.ok) throw new Error("expected a split");
    expect(result.good.map((g) => g.index)).toEqual([0, 3]);
    expect(result.total).toBe(5);
    expect(result.rejections).toEqual([
      {
        code: "JISR_ERR_INVALID_BATCH",
        path: expect.stringMatching(/^points\.1\.fields/),
        message: expect.any(String),
        item: JSON.stringify(points[1]),
      },
      {
        code: "JISR_ERR_FORBIDDEN_INSTITUTION",
        path: "points.2.tags.institution",
        message: `names institution "foyer-sidi-bennour" but the topic and the token are "${A}"`,
        item: JSON.stringify(points[2]),
      },
      {
        code: "JISR_ERR_INVALID_BATCH",
        path: "points.4.tags.device",
        message: "is required: every point names its device",
        item: JSON.stringify(points[4]),
      },
    ]);
  });

  it("does not refuse a batch for its number of points (it is written in parts), but refuses an unreadable one whole", () => {
    const many = splitMqttBatch(A, json({ points: Array.from({ length: 25 }, (_, i) => good(i)) }), {
      ...limits,
      maxBytes: 100_000,
    });
    expect(many.ok && many.good.length).toBe(25);
    const bomb = gzipSync(Buffer.alloc(100_000, " "));
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    const tooLarge = splitMqttBatch(A, bomb, limits);
    expect(tooLarge.ok === false && tooLarge.error.code).toBe("JISR_ERR_BODY_TOO_LARGE");
    const notJson = splitMqttBatch(A, Buffer.from("{not json"), limits);
    expect(notJson.ok === false && notJson.error.code).toBe("JISR_ERR_INVALID_JSON");
    expect(countPoints(json({ points: [good(1), good(2)] }), 1000)).toBe(2);
    expect(countPoints(Buffer.from("nope"), 1000)).toBe(0);
  });

  it("applies the point limits of HTTP and refuses a reserved key, one point at a time", () => {
    const points = [
      good(1),
      { ...good(2), fields: { a: 1, b: 2, c: 3 } },
      { ...good(3), fields: { institution: 0, power_w: 0 } },
      good(4),
    ];
    const result = splitMqttBatch(A, json({ points }), { ...limits, point: { maxFields: 2 } });
    if (!result.ok) throw new Error("expected a split");
    expect(result.good.map((g) => g.index)).toEqual([0, 3]);
    expect(result.rejections.map((r) => [r.code, r.path.split(".").slice(0, 2).join(".")])).toEqual([
      ["JISR_ERR_INVALID_BATCH", "points.1"],
      ["JISR_ERR_INVALID_BATCH", "points.2"],
    ]);
    expect(result.rejections[1]?.message).toMatch(/institution|reserved/);
  });
});
