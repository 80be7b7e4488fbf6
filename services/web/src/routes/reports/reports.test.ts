/** Report download over HTTP: the reports library's file, named and typed for a browser to save it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { EXPECTED, FOYER } from "../../testing/fixture.js";

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
