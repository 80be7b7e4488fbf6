/**
 * What POST /api/v1/write refuses so that one sender cannot damage what others stored or the database
 * itself: reserved keys, oversized points, text InfluxDB would store differently from what was sent,
 * ambiguous line protocol. Through `app.inject`, against the run's real influxd, read back with raw
 * InfluxQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestBed, INSTITUTION, OTHER_INSTITUTION, type TestBed } from "../../testing/service.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);
let bed: TestBed;
beforeAll(async () => {
  bed = await buildTestBed({ bodyLimitBytes: 1024 * 1024, maxPoints: 100 });
});
afterAll(() => bed.close());

function writeJson(body: unknown, token = bed.token, app = bed.app) {
  return app.inject({
    method: "POST",
    url: "/api/v1/write",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    payload: JSON.stringify(body),
  });
}

function writeLines(body: string, token = bed.token, app = bed.app) {
  return app.inject({
    method: "POST",
    url: "/api/v1/write?precision=ms",
    headers: { "content-type": "text/plain", authorization: `Bearer ${token}` },
    payload: body,
  });
}

const point = (measurement: string, tags: Record<string, unknown>, fields: Record<string, unknown>) => ({
  measurement,
  tags,
  fields,
  time: T,
});

describe("reserved keys (issue 9: one token blanking every institution)", () => {
  it("refuses a JSON field named institution or device with 400 naming the point and the key; the other institution's data stays queryable", async () => {
    expect(
      (await writeJson({ points: [point("shadow", { device: "inv-a" }, { power_w: 1500 })] })).statusCode,
    ).toBe(204);
    const res = await writeJson(
      {
        points: [
          point("shadow", { device: "ok" }, { power_w: 1 }),
          point("shadow", { device: "evil" }, { institution: 0, power_w: 0 }),
          point("shadow", {}, { device: "x", power_w: 0 }),
        ],
      },
      bed.otherToken,
    );
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe("JISR_ERR_INVALID_BATCH");
    expect(error.problems).toEqual([
      {
        index: 1,
        path: "points.1.fields.institution",
        message: '"institution" is reserved for the tag of that name and cannot be a field',
      },
      {
        index: 2,
        path: "points.2.fields.device",
        message: '"device" is reserved for the tag of that name and cannot be a field',
      },
      { index: 2, path: "points.2.tags.device", message: "is required: every point names its device" },
    ]);
    expect(await bed.query('SHOW FIELD KEYS FROM "shadow"')).toEqual([
      { fieldKey: "power_w", fieldType: "float" },
    ]);
    expect(await bed.query(`SELECT "power_w" FROM "shadow" WHERE "institution" = '${INSTITUTION}'`)).toEqual([
      { time: T, power_w: 1500 },
    ]);
    expect(await bed.query(`SELECT * FROM "shadow" WHERE "device" = 'ok'`)).toEqual([]);
  });

  it("refuses the same over line protocol, naming the line and the key", async () => {
    const body = [
      `shadow_lp,device=ok power_w=1 ${T}`,
      `shadow_lp,device=evil institution=0,power_w=0 ${T}`,
      `shadow_lp,device=d2 device="x",power_w=0 ${T}`,
    ].join("\n");
    const res = await writeLines(body, bed.otherToken);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      {
        index: 1,
        line: 2,
        path: "fields.institution",
        message: '"institution" is reserved for the tag of that name and cannot be a field',
      },
      { index: 2, line: 3, path: "fields.device", message: '"device" is already a tag of this point' },
    ]);
    expect(await bed.query('SELECT * FROM "shadow_lp"')).toEqual([]);
  });

  it("keeps a tag institution naming the token's own institution, and refuses another with 403", async () => {
    const own = await writeLines(`own_inst,device=d1,institution=${INSTITUTION} v=1 ${T}`);
    expect(own.statusCode).toBe(204);
    const other = await writeJson({
      points: [point("own_inst", { device: "d2", institution: OTHER_INSTITUTION }, { v: 2 })],
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe("JISR_ERR_FORBIDDEN_INSTITUTION");
    expect(await bed.query('SELECT "v", "institution", "device" FROM "own_inst"')).toEqual([
      { time: T, v: 1, institution: INSTITUTION, device: "d1" },
    ]);
  });
});

describe("limits per point", () => {
  it("refuses more than 500 fields (the default) in a point, before looking at each, and accepts 500", async () => {
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
    const res = await writeJson({
      points: [point("wide", { device: "d1" }, fields(500)), point("wide", { device: "d2" }, fields(5000))],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      {
        index: 1,
        path: "points.1.fields",
        message: "holds 5000 fields, more than the limit of 500 per point",
      },
    ]);
    expect(await bed.query('SHOW FIELD KEYS FROM "wide"')).toEqual([]);
    expect((await writeJson({ points: [point("wide", { device: "d1" }, fields(500))] })).statusCode).toBe(
      204,
    );
  });

  it("refuses more tags than the limit (32 by default), in JSON and line protocol", async () => {
    const tags = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`t${i}`, "x"]));
    const json = await writeJson({ points: [point("tall", { ...tags, device: "d1" }, { v: 1 })] });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.problems).toEqual([
      { index: 0, path: "points.0.tags", message: "holds 34 tags, more than the limit of 32 per point" },
    ]);
    const lp = await writeLines(
      `tall,device=d1,${Object.keys(tags)
        .map((k) => `${k}=x`)
        .join(",")} v=1 ${T}`,
    );
    expect(lp.statusCode).toBe(400);
    expect(lp.json().error.problems).toEqual([
      { index: 0, line: 1, path: "tags", message: "holds 34 tags, more than the limit of 32 per point" },
    ]);
    expect(await bed.query('SELECT * FROM "tall"')).toEqual([]);
  });

  it("takes its limits from the app's options", async () => {
    const small = await buildTestBed({ maxFields: 2, maxTags: 2 });
    try {
      const res = await writeJson(
        {
          points: [
            point("small", { device: "d1" }, { a: 1, b: 2, c: 3 }),
            point("small", { device: "d1", x: "1", y: "2" }, { a: 1 }),
          ],
        },
        small.token,
        small.app,
      );
      expect(res.json().error.problems).toEqual([
        { index: 0, path: "points.0.fields", message: "holds 3 fields, more than the limit of 2 per point" },
        { index: 1, path: "points.1.tags", message: "holds 3 tags, more than the limit of 2 per point" },
      ]);
      expect(
        (
          await writeJson(
            { points: [point("small", { device: "d1" }, { a: 1, b: 2 })] },
            small.token,
            small.app,
          )
        ).statusCode,
      ).toBe(204);
    } finally {
      await small.close();
    }
  });

  it("echoes at most 160 characters of an overlong key in a problem's path", async () => {
    const key = `k${"x".repeat(10_000)}`;
    const res = await writeJson({ points: [point("long_key", { device: "d1" }, { [key]: 1 })] });
    expect(res.statusCode).toBe(400);
    const [problem] = res.json().error.problems;
    expect(problem.path).toBe(`points.0.${`fields.${key}`.slice(0, 160)}…`);
    expect(problem.message).toMatch(/max 64/);
  });
});

describe("tag values InfluxDB would not store as sent", () => {
  it.each([
    ["NEL (U+0085)", "a\u0085b", /control characters/],
    ["a C1 control (U+009B)", "a\u009bb", /control characters/],
    ["a lone high surrogate", "a\ud800b", /lone \(unpaired\) UTF-16 surrogate/],
    ["a lone low surrogate", "\udc00", /lone \(unpaired\) UTF-16 surrogate/],
  ])("refuses %s in JSON", async (_name, value, message) => {
    // JSON.stringify keeps a lone surrogate as the escape \ud800, which the server's JSON parser turns
    // back into the lone surrogate.
    const json = await writeJson({ points: [point("odd_tags", { device: "d1", site: value }, { v: 1 })] });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.problems).toEqual([
      { index: 0, path: "points.0.tags.site", message: expect.stringMatching(message) },
    ]);
    expect(await bed.query('SELECT * FROM "odd_tags"')).toEqual([]);
  });

  it.each([
    ["NEL (U+0085)", "a\u0085b"],
    ["a C1 control (U+009B)", "a\u009bb"],
  ])("refuses %s in line protocol", async (_name, value) => {
    const lp = await writeLines(`odd_tags,device=d1,site=${value} v=1 ${T}`);
    expect(lp.statusCode).toBe(400);
    expect(lp.json().error.problems).toEqual([
      { index: 0, line: 1, path: "tags.site", message: expect.stringMatching(/control characters/) },
    ]);
    expect(await bed.query('SELECT * FROM "odd_tags"')).toEqual([]);
  });
});

describe("ambiguous line protocol", () => {
  it.each([
    ["a duplicated field key", `dup,device=d1 v=1,v=2 ${T}`, 'field "v" appears twice in the line'],
    ["a duplicated tag key", `dup,device=d1,site=a,site=b v=1 ${T}`, 'tag "site" appears twice in the line'],
    [
      "an integer beyond int64",
      `dup,device=d1 v=99999999999999999999i ${T}`,
      'field "v": integer 99999999999999999999i is outside the signed 64-bit range',
    ],
    [
      "an integer beyond uint64",
      `dup,device=d1 v=18446744073709551616u ${T}`,
      'field "v": integer 18446744073709551616u is outside the unsigned 64-bit range',
    ],
  ])("refuses %s instead of keeping one reading of it", async (_name, body, message) => {
    const res = await writeLines(`dup,device=ok v=0 ${T}\n${body}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: "JISR_ERR_INVALID_BATCH",
      message: "1 of 2 point(s) are not valid; nothing was written",
      problems: [{ index: 1, line: 2, path: "(line)", message }],
    });
    expect(await bed.query('SELECT * FROM "dup"')).toEqual([]);
  });
});
