/** Report download over HTTP: the reports library's file, named and typed for a browser to save it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { CENTRE, EXPECTED, FOYER, MAISON } from "../../testing/fixture.js";

let bed: WebBed;
beforeAll(async () => {
  bed = await webBed();
});
afterAll(async () => bed?.close());

describe("GET /api/v1/reports", () => {
  it("sends an institution's month as a CSV attachment with the month's savings", async () => {
    const cookie = await bed.login("manager");
    const res = await bed.get(`/api/v1/reports?period=2026-11&institution=${FOYER}&format=csv&lang=en`, {
      cookie,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe(
      `attachment; filename="jisr-report-2026-11-${FOYER}-en.csv"`,
    );
    expect(res.body).toContain(String(EXPECTED.foyer.savingsMonthMad));
  });

  it("sends the programme's report as a PDF to the ministry, in the user's language by default", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.get("/api/v1/reports?period=2026-Q4&format=pdf", { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="jisr-report-2026-Q4-programme-fr.pdf"',
    );
    expect(res.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("names the problem in a bad query", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.get("/api/v1/reports?period=2026-13&format=doc", { cookie });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      {
        path: "querystring.period",
        message: "must be a month (2026-10), a quarter (2026-Q4) or a year (2026)",
      },
      { path: "querystring.format", message: 'Invalid option: expected one of "pdf"|"xlsx"|"csv"' },
    ]);
  });
});

describe("GET /api/v1/reports/periods", () => {
  it("lists the months with results and the first day with data, for an institution", async () => {
    const cookie = await bed.login("manager");
    const res = await bed.get(`/api/v1/reports/periods?institution=${FOYER}`, { cookie });
    expect(res.statusCode).toBe(200);
    // The foyer has November's monthly results; its first daily results are those of 1 November.
    expect(res.json()).toEqual({ months: ["2026-11"], first_day: "2026-11-01" });
  });

  it("places a result at local midnight in its local month, whatever the offset", async () => {
    // 1 October 2026 00:00 in Morocco (UTC+1) is 30 September 23:00 UTC: October, not September.
    await bed.fixture.store.write([
      {
        measurement: "savings_monthly",
        tags: { institution: CENTRE },
        fields: { savings_mad: 12 },
        time: Date.UTC(2026, 8, 30, 23),
      },
    ]);
    const cookie = await bed.login("technician");
    const res = await bed.get(`/api/v1/reports/periods?institution=${CENTRE}`, { cookie });
    expect(res.json()).toEqual({ months: ["2026-11", "2026-10"], first_day: null });
  });

  it("keeps other institutions' periods and the programme's to those who may see them", async () => {
    const manager = await bed.login("manager");
    expect(
      (await bed.get(`/api/v1/reports/periods?institution=${MAISON}`, { cookie: manager })).statusCode,
    ).toBe(403);
    expect((await bed.get("/api/v1/reports/periods", { cookie: manager })).statusCode).toBe(403);
    const ministry = await bed.login("ministry");
    const res = await bed.get("/api/v1/reports/periods", { cookie: ministry });
    expect(res.json().months[0]).toBe("2026-11");
  });
});
