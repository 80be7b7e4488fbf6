/**
 * Alerts on the page, through the alerting service's API on loopback (the fixture runs it): the list in
 * the user's language, acknowledging (recorded by the alerting service with the person's name), and the
 * page when the alerting service does not answer.
 */
import { createServer } from "node:net";
import { alertingClient } from "@jisr/alerting";
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
    const b = await webBed({ overrides: { alerting: undefined } });
    try {
      const cookie = await b.login("manager");
      expect((await b.get("/api/v1/alerts", { cookie })).json()).toEqual({ alerts: [], configured: false });
      expect((await b.get(`/api/v1/alerts?institution=${MAISON}`, { cookie })).statusCode).toBe(403);
    } finally {
      await b.close();
    }
  });
});

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("when the alerting service does not answer", () => {
  it("says alerts are unavailable, naming where it looked, and the rest of the page still works", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const b = await webBed({
      overrides: { alerting: alertingClient({ url, token: "jisr_unused", timeoutMs: 2000 }) },
    });
    try {
      const cookie = await b.login("ministry");
      const res = await b.get("/api/v1/alerts?state=open", { cookie });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe("JISR_ERR_ALERTS_UNAVAILABLE");
      expect(res.json().error.message).toContain(url);
      const ack = await b.post(`/api/v1/alerts/${b.fixture.alertIds.get(FOYER)}/ack`, {}, { cookie });
      expect(ack.statusCode).toBe(503);
      // The institution's view renders, its open-alert count unknown rather than zero.
      const summary = await b.get(`/api/v1/institutions/${FOYER}/summary`, { cookie });
      expect(summary.statusCode).toBe(200);
      expect(summary.json().open_alerts).toBeNull();
      expect((await b.get("/api/v1/programme/summary", { cookie })).statusCode).toBe(200);
    } finally {
      await b.close();
    }
  });
});

describe("POST /api/v1/alerts/:id/ack", () => {
  it("has the alerting service record who acknowledged, when, and the comment", async () => {
    const cookie = await bed.login("technician");
    const id = bed.fixture.alertIds.get(FOYER) as string;
    const res = await bed.post(`/api/v1/alerts/${id}/ack`, { comment: "Onduleur redémarré" }, { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json().ack).toEqual({
      by: "Youssef Amrani (youssef)",
      at: "2026-11-20T10:00:00.000Z",
      comment: "Onduleur redémarré",
    });
    // The alerting service's own API shows the same acknowledgement (it alone wrote it).
    expect((await bed.fixture.alerting.get(id))?.ack).toEqual(res.json().ack);
    expect(bed.fixture.alerts.getAlert(id)?.ack?.comment).toBe("Onduleur redémarré");
  });

  it("is 404 for an unknown alert", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.post("/api/v1/alerts/alt_nope/ack", {}, { cookie });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("JISR_ERR_ALERT_NOT_FOUND");
  });
});
