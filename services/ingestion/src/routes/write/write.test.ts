/**
 * POST /api/v1/write through `app.inject`, against the run's real influxd: what InfluxDB holds afterwards
 * is read back with a raw InfluxQL query, not through the store under test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxUrl } from "../../../../../test/servers/context.js";
import { buildTestBed, INSTITUTION, OTHER_INSTITUTION, type TestBed } from "../../testing/service.js";

const T = Date.UTC(2026, 10, 29, 10, 0, 0);
let bed: TestBed;
beforeAll(async () => {
  bed = await buildTestBed({ bodyLimitBytes: 64 * 1024, maxPoints: 100 });
});
afterAll(() => bed.close());

/** `token: null` sends no Authorization header. */
function writeJson(body: unknown, token: string | null = bed.token) {
  return bed.app.inject({
    method: "POST",
    url: "/api/v1/write",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: JSON.stringify(body),
  });
}

function writeLines(body: string, query = "", token = bed.token) {
  return bed.app.inject({
    method: "POST",
    url: `/api/v1/write${query}`,
    headers: { "content-type": "text/plain; charset=utf-8", authorization: `Bearer ${token}` },
    payload: body,
  });
}

const point = (measurement: string, device: string, fields: Record<string, unknown>, time: unknown = T) => ({
  measurement,
  tags: { device },
  fields,
  time,
});

describe("authentication", () => {
  it("answers 401 without a token, with an unknown one and with a malformed one, the same way", async () => {
    const answers = await Promise.all([
      writeJson({ points: [point("auth_m", "d1", { v: 1 })] }, null),
      writeJson({ points: [point("auth_m", "d1", { v: 1 })] }, `jisr_${"A".repeat(43)}`),
      writeJson({ points: [point("auth_m", "d1", { v: 1 })] }, "not-a-token"),
    ]);
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: {
          code: "JISR_ERR_UNAUTHORIZED",
          message:
            "Missing or unknown token: send `Authorization: Bearer <token>` with a token issued by `jisr token new`",
        },
      });
    }
    expect(await bed.query('SELECT * FROM "auth_m"')).toEqual([]);
  });

  it("refuses a point naming another institution with 403, listing each, and writes nothing", async () => {
    const points = [
      point("tenancy_m", "d1", { v: 1 }),
      { ...point("tenancy_m", "d2", { v: 2 }), tags: { device: "d2", institution: OTHER_INSTITUTION } },
      { ...point("tenancy_m", "d3", { v: 3 }), tags: { device: "d3", institution: INSTITUTION } },
    ];
    const res = await writeJson({ points });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: {
        code: "JISR_ERR_FORBIDDEN_INSTITUTION",
        message: `1 point(s) name another institution than "${INSTITUTION}", the token's own; nothing was written`,
        problems: [
          {
            index: 1,
            path: "points.1.tags.institution",
            message: `names institution "${OTHER_INSTITUTION}" but the token belongs to "${INSTITUTION}"`,
          },
        ],
      },
    });
    expect(await bed.query('SELECT * FROM "tenancy_m"')).toEqual([]);
  });

  it("refuses a line-protocol line tagged institution=other with 403 naming its line", async () => {
    const body = `tenancy_lp,device=d1 v=1 ${T}\ntenancy_lp,device=d2,institution=${OTHER_INSTITUTION} v=2 ${T}`;
    const res = await writeLines(body, "?precision=ms");
    expect(res.statusCode).toBe(403);
    expect(res.json().error.problems).toEqual([
      { index: 1, line: 2, path: "tags.institution", message: expect.stringContaining(OTHER_INSTITUTION) },
    ]);
    expect(await bed.query('SELECT * FROM "tenancy_lp"')).toEqual([]);
  });

  it("sets the institution tag from the token when it is absent", async () => {
    const res = await writeJson({ points: [point("tenancy_set", "d1", { v: 1 })] }, bed.otherToken);
    expect(res.statusCode).toBe(204);
    expect(await bed.query('SELECT "v", "institution", "device" FROM "tenancy_set"')).toEqual([
      { time: T, v: 1, institution: OTHER_INSTITUTION, device: "d1" },
    ]);
  });
});

describe("writes", () => {
  it("stores a JSON batch with its values, tags and timestamps (epoch ms and ISO)", async () => {
    const points = [
      {
        measurement: "json_ok",
        tags: { device: "inv-1", phase: "l1" },
        fields: { power_w: 1234.5, on: true },
        time: T,
      },
      {
        measurement: "json_ok",
        tags: { device: "inv-2" },
        fields: { power_w: 7, state: "mppt" },
        time: "2026-11-29T11:00:00.250+01:00",
      },
    ];
    const res = await writeJson({ points });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    const rows = await bed.query(
      'SELECT "power_w", "on", "state", "device", "phase", "institution" FROM "json_ok"',
    );
    expect(rows).toEqual([
      {
        time: T,
        power_w: 1234.5,
        on: true,
        state: null,
        device: "inv-1",
        phase: "l1",
        institution: INSTITUTION,
      },
      {
        time: T + 250,
        power_w: 7,
        on: null,
        state: "mppt",
        device: "inv-2",
        phase: null,
        institution: INSTITUTION,
      },
    ]);
  });

  it("stores a line-protocol batch, ns by default and in the given precision", async () => {
    const ns = `lp_ok,device=tank-1 temp_c=61.5,heater=false ${T}123456`;
    expect((await writeLines(ns)).statusCode).toBe(204);
    const s = `lp_ok,device=tank-2 temp_c=40i ${T / 1000 + 60}`;
    expect((await writeLines(s, "?precision=s")).statusCode).toBe(204);
    const rows = await bed.query('SELECT "temp_c", "heater", "device", "institution" FROM "lp_ok"');
    expect(rows).toEqual([
      { time: T, temp_c: 61.5, heater: false, device: "tank-1", institution: INSTITUTION },
      { time: T + 60_000, temp_c: 40, heater: null, device: "tank-2", institution: INSTITUTION },
    ]);
  });

  it("refuses an unknown precision or query parameter with 400 naming it", async () => {
    const res = await writeLines(`lp_q,device=d v=1 ${T}`, "?precision=m");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("JISR_ERR_INVALID_REQUEST");
    expect(res.json().error.problems[0].path).toBe("querystring.precision");
    const typo = await writeLines(`lp_q,device=d v=1 ${T}`, "?precison=ms");
    expect(typo.statusCode).toBe(400);
    expect(await bed.query('SELECT * FROM "lp_q"')).toEqual([]);
  });
});

describe("the database refusing a batch", () => {
  it("answers 400 with InfluxDB's reason (a field type conflict), without InfluxDB's address", async () => {
    expect((await writeLines(`conflict,device=d v=1 ${T}`, "?precision=ms")).statusCode).toBe(204);
    const res = await writeLines(`conflict,device=d v="text" ${T + 1000}`, "?precision=ms");
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("JISR_ERR_STORE_REJECTED");
    expect(error.message).toMatch(/^The database refused the batch: [\s\S]*field type conflict/);
    expect(error.message).not.toContain(new URL(influxUrl()).host);
  });
});

describe("bad batches are refused whole", () => {
  it("JSON: 400 listing index, path and reason of each bad point; nothing written", async () => {
    const points = [
      point("bad_json", "d0", { power_w: 1 }),
      point("bad_json", "d1", { power_w: 2 }),
      point("bad_json", "d2", { power_w: 3 }),
      point("bad_json", "d3", { power_w: Number.NaN }), // JSON.stringify sends null
      { measurement: "bad_json", fields: { power_w: 5 }, time: T },
    ];
    const res = await writeJson({ points });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("JISR_ERR_INVALID_BATCH");
    expect(error.message).toBe("2 of 5 point(s) are not valid; nothing was written");
    expect(error.problems).toEqual([
      { index: 3, path: "points.3.fields.power_w", message: expect.any(String) },
      { index: 4, path: "points.4.tags.device", message: "is required: every point names its device" },
    ]);
    expect(await bed.query('SELECT * FROM "bad_json"')).toEqual([]);
  });

  it("line protocol: 400 naming the line of each bad point; nothing written", async () => {
    const body = [
      `bad_lp,device=d1 v=1 ${T}`,
      `bad_lp,device=d2 v=2 ${T}`,
      "# a comment line",
      `bad_lp,device=d3 v=3 ${T}`,
      `bad_lp,device=d4 v= ${T}`,
    ].join("\n");
    const res = await writeLines(body, "?precision=ms");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      { index: 3, line: 5, path: "(line)", message: 'invalid value "" for field "v"' },
    ]);
    expect(await bed.query('SELECT * FROM "bad_lp"')).toEqual([]);
  });

  it("answers 400 for malformed JSON, an empty batch and a wrong envelope", async () => {
    const malformed = await bed.app.inject({
      method: "POST",
      url: "/api/v1/write",
      headers: { "content-type": "application/json", authorization: `Bearer ${bed.token}` },
      payload: '{"points": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toEqual({
      code: "JISR_ERR_INVALID_JSON",
      message: expect.stringMatching(/^Body is not valid JSON: /),
    });
    const empty = await writeJson({ points: [] });
    expect(empty.json()).toEqual({
      error: { code: "JISR_ERR_EMPTY_BATCH", message: "Batch holds no points" },
    });
    const envelope = await writeJson([point("x", "d", { v: 1 })]);
    expect(envelope.statusCode).toBe(400);
    expect(envelope.json().error.problems).toEqual([
      { path: "(root)", message: expect.stringMatching(/object/) },
    ]);
  });

  it("answers 415 for a body that is neither JSON nor text", async () => {
    const res = await bed.app.inject({
      method: "POST",
      url: "/api/v1/write",
      headers: { "content-type": "application/xml", authorization: `Bearer ${bed.token}` },
      payload: "<points/>",
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("JISR_ERR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 413 over the body limit and over the point limit", async () => {
    const big = await writeLines(`big,device=d s="${"x".repeat(70 * 1024)}" ${T}`, "?precision=ms");
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({
      error: {
        code: "JISR_ERR_BODY_TOO_LARGE",
        message: "Request body is larger than 65536 bytes (after decompression): send smaller batches",
      },
    });
    const many = Array.from({ length: 101 }, (_, i) => `many,device=d v=${i} ${T + i}`).join("\n");
    const res = await writeLines(many, "?precision=ms");
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe("Batch holds 101 points, more than the limit of 100: split it");
    expect(await bed.query('SELECT * FROM "many"')).toEqual([]);
  });
});

describe("line-protocol injection is stored literally or refused", () => {
  it("JSON tag values with , space = and string fields with quote, backslash, newline arrive as written", async () => {
    const tricky = {
      measurement: "inject_json",
      tags: { device: "d1", site: "roof,institution=other x=1", note: "a b=c" },
      fields: { msg: 'say "hi"\\ \nnext_m,institution=other v=1 1', v: 1 },
      time: T,
    };
    expect((await writeJson({ points: [tricky] })).statusCode).toBe(204);
    const rows = await bed.query('SELECT "msg", "v", "site", "note", "institution" FROM "inject_json"');
    expect(rows).toEqual([
      {
        time: T,
        msg: 'say "hi"\\ \nnext_m,institution=other v=1 1',
        v: 1,
        site: "roof,institution=other x=1",
        note: "a b=c",
        institution: INSTITUTION,
      },
    ]);
    expect(await bed.query('SELECT * FROM "next_m"')).toEqual([]);
  });

  it("refuses tag values with a backslash or a line break, which have no portable escape", async () => {
    const res = await writeJson({
      points: [
        { ...point("inject_refused", "d1", { v: 1 }), tags: { device: "d1", site: "a\\" } },
        { ...point("inject_refused", "d2", { v: 1 }), tags: { device: "d2", site: "a\ninject_refused v=9" } },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems.map((p: { path: string }) => p.path)).toEqual([
      "points.0.tags.site",
      "points.1.tags.site",
    ]);
    expect(await bed.query('SELECT * FROM "inject_refused"')).toEqual([]);
  });

  it("line protocol: an escaped ,institution=other stays inside the tag value; quotes and newlines in strings", async () => {
    const body = [
      `inject_lp,device=d1,site=roof\\,institution\\=other v=1,msg="a \\"quoted\\" \\\\ word" ${T}`,
      `inject_lp,device=d2 msg="two\nlines" ${T}`,
    ].join("\n");
    expect((await writeLines(body, "?precision=ms")).statusCode).toBe(204);
    const rows = await bed.query('SELECT "msg", "site", "institution", "device" FROM "inject_lp"');
    expect(rows).toEqual([
      {
        time: T,
        msg: 'a "quoted" \\ word',
        site: "roof,institution=other",
        institution: INSTITUTION,
        device: "d1",
      },
      { time: T, msg: "two\nlines", site: null, institution: INSTITUTION, device: "d2" },
    ]);
  });

  it("line protocol copied as sent where InfluxDB reads it as we do, rewritten where not: stored as parsed", async () => {
    // Lines the fast path forwards almost byte for byte (batch/fast.ts): integers become floats, -0 and
    // exponents are written as JavaScript writes them, a bare `=` in a tag value is escaped (1.x refuses
    // it), a line without a timestamp gets the time of receipt.
    const body = [
      `forms_lp,device=d1,site=a=b v=12i,w=-0.0,x=1e3,y=007.50,z=+2,b=T,s="q\\"uo\\\\te" ${T}`,
      `forms_lp,device=d2,site=a\\ b v=-1.25,w=.5,x=1.,y=-7i,z=3u,b=FALSE,s="" ${T}`,
      `forms_lp,device=d3 v=4000`,
    ].join("\n");
    const before = Date.now();
    expect((await writeLines(body, "?precision=ms")).statusCode).toBe(204);
    const rows = await bed.query(
      'SELECT "v","w","x","y","z","b","s","site","institution" FROM "forms_lp" GROUP BY "device"',
    );
    expect(rows.slice(0, 2)).toEqual([
      {
        time: T,
        v: 12,
        w: 0,
        x: 1000,
        y: 7.5,
        z: 2,
        b: true,
        s: 'q"uo\\te',
        site: "a=b",
        institution: INSTITUTION,
      },
      {
        time: T,
        v: -1.25,
        w: 0.5,
        x: 1,
        y: -7,
        z: 3,
        b: false,
        s: "",
        site: "a b",
        institution: INSTITUTION,
      },
    ]);
    expect(rows[2]).toMatchObject({ v: 4000, w: null, institution: INSTITUTION });
    expect(rows[2]?.time).toBeGreaterThanOrEqual(before);
    expect(rows[2]?.time).toBeLessThanOrEqual(Date.now());
    const types = await bed.query('SHOW FIELD KEYS FROM "forms_lp"');
    expect(types.filter((r) => r.fieldType !== "float").map((r) => r.fieldKey)).toEqual(["b", "s"]);
  });

  it("line protocol: a device tag smuggling another tag is refused", async () => {
    const res = await writeLines(`inject_dev,device=d1\\,institution\\=other v=1 ${T}`, "?precision=ms");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems[0]).toMatchObject({ line: 1, path: "tags.device" });
    expect(await bed.query('SELECT * FROM "inject_dev"')).toEqual([]);
  });
});
