/** Alerts on the page: the list in the user's language, and acknowledging, recorded in the alert state file. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { FOYER, MAISON } from "../../testing/fixture.js";

let bed: WebBed;
beforeAll(async () => {
  bed = await webBed();
});
afterAll(async () => bed?.close());

describe("GET /api/v1/alerts", () => {
  it("lists the open alerts with their texts in the language asked for", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.get("/api/v1/alerts?state=open&lang=fr", { cookie });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.configured).toBe(true);
    expect(body.alerts.map((a: { institution: string }) => a.institution).sort()).toEqual(
      [FOYER, MAISON].sort(),
    );
    expect(body.alerts[0].text.summary).toMatch(/\S/);
    expect(body.alerts[0]).toMatchObject({ state: "firing", rule: "inverter_fault", ack: null });
  });

  it("says when alerting does not run beside the page, and still refuses another institution", async () => {
    const b = await webBed({ overrides: { alerts: undefined } });
    try {
      const cookie = await b.login("manager");
      expect((await b.get("/api/v1/alerts", { cookie })).json()).toEqual({ alerts: [], configured: false });
      expect((await b.get(`/api/v1/alerts?institution=${MAISON}`, { cookie })).statusCode).toBe(403);
    } finally {
      await b.close();
    }
  });
});

describe("POST /api/v1/alerts/:id/ack", () => {
  it("records who acknowledged, with the comment, in the alerting service's state file", async () => {
    const cookie = await bed.login("technician");
    const id = bed.fixture.alertIds.get(FOYER) as string;
    const res = await bed.post(`/api/v1/alerts/${id}/ack`, { comment: "Onduleur redémarré" }, { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json().ack).toEqual({
      by: "Youssef Amrani (youssef)",
      at: "2026-11-20T10:00:00.000Z",
      comment: "Onduleur redémarré",
    });
    expect(bed.fixture.alerts.getAlert(id)?.ack?.comment).toBe("Onduleur redémarré");
  });

  it("is 404 for an unknown alert", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.post("/api/v1/alerts/alt_nope/ack", {}, { cookie });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("JISR_ERR_ALERT_NOT_FOUND");
  });
});
