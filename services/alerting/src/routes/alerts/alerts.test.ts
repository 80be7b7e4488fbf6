/** /api/v1/alerts through `app.inject`: authentication, scope, filters, acknowledgement, history. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { condition, HOUR, MIN, T0 } from "../../engine/testing/helpers.js";
import { type ApiBed, apiBed, INSTITUTION, OTHER_INSTITUTION } from "../../testing/service.js";

let bed: ApiBed;
beforeEach(async () => {
  bed = await apiBed();
});
afterEach(() => bed.close());

function seed() {
  bed.evaluate([
    condition({ device: "inv-1", severity: "critical" }),
    condition({ device: "inv-2", severity: "minor" }),
    condition({ institution: OTHER_INSTITUTION, device: "swh-1", rule: "swh_tank_cold" }),
  ]);
}

const ids = (body: { alerts: Array<{ device: string }> }) => body.alerts.map((a) => a.device).sort();

describe("authentication and scope", () => {
  it("answers 401 without a token and with an unknown one, the same way", async () => {
    for (const token of [null, "jisr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nonsense"]) {
      const res = await bed.request("GET", "/api/v1/alerts", { token });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: {
          code: "JISR_ERR_UNAUTHORIZED",
          message:
            "Missing or unknown token: send `Authorization: Bearer <token>` with a token listed in the alerting config (api.tokens)",
        },
      });
    }
  });

  it("shows a scoped token its institutions only, and refuses another one by name", async () => {
    seed();
    const mine = await bed.request("GET", "/api/v1/alerts", { token: bed.techToken });
    expect(ids(mine.json())).toEqual(["inv-1", "inv-2"]);
    const other = await bed.request("GET", `/api/v1/alerts?institution=${OTHER_INSTITUTION}`, {
      token: bed.techToken,
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toEqual({
      code: "JISR_ERR_FORBIDDEN_INSTITUTION",
      message: `Your token does not cover institution "${OTHER_INSTITUTION}"`,
    });
  });
});

describe("GET /api/v1/alerts", () => {
  it("filters by institution, state and severity", async () => {
    seed();
    expect(ids((await bed.request("GET", "/api/v1/alerts")).json())).toEqual(["inv-1", "inv-2", "swh-1"]);
    expect(ids((await bed.request("GET", `/api/v1/alerts?institution=${INSTITUTION}`)).json())).toEqual([
      "inv-1",
      "inv-2",
    ]);
    expect(ids((await bed.request("GET", "/api/v1/alerts?severity=critical")).json())).toEqual(["inv-1"]);
    bed.now = T0 + HOUR;
    bed.evaluate([condition({ device: "inv-2", active: false })]);
    expect(ids((await bed.request("GET", "/api/v1/alerts?state=resolved")).json())).toEqual(["inv-2"]);
    expect(ids((await bed.request("GET", "/api/v1/alerts?state=open")).json())).toEqual(["inv-1", "swh-1"]);
  });

  it("filters by a list of institutions, each checked against the token", async () => {
    seed();
    const both = `/api/v1/alerts?institutions=${INSTITUTION},${OTHER_INSTITUTION}`;
    expect(ids((await bed.request("GET", both)).json())).toEqual(["inv-1", "inv-2", "swh-1"]);
    expect(
      ids((await bed.request("GET", `/api/v1/alerts?institutions=${OTHER_INSTITUTION}`)).json()),
    ).toEqual(["swh-1"]);
    const refused = await bed.request("GET", both, { token: bed.techToken });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("JISR_ERR_FORBIDDEN_INSTITUTION");
  });

  it("lists every alert that fired in a period, with fired_from and fired_to together", async () => {
    seed();
    bed.now = T0 + 2 * HOUR;
    bed.evaluate([condition({ device: "inv-3" })]);
    const period = (from: number, to: number) =>
      `/api/v1/alerts?fired_from=${new Date(from).toISOString()}&fired_to=${new Date(to).toISOString()}`;
    expect(ids((await bed.request("GET", period(T0, T0 + HOUR))).json())).toEqual([
      "inv-1",
      "inv-2",
      "swh-1",
    ]);
    expect(ids((await bed.request("GET", period(T0 + HOUR, T0 + 3 * HOUR))).json())).toEqual(["inv-3"]);
    const half = await bed.request("GET", `/api/v1/alerts?fired_from=${new Date(T0).toISOString()}`);
    expect(half.statusCode).toBe(400);
    expect(half.json().error.problems).toEqual([
      { path: "querystring.fired_from", message: "fired_from and fired_to go together" },
    ]);
  });

  it("shows an alert with its evidence, instants in ISO and, on request, its texts", async () => {
    bed.evaluate([condition()]);
    const res = await bed.request("GET", "/api/v1/alerts?lang=fr");
    const [alert] = res.json().alerts;
    expect(alert).toMatchObject({
      rule: "inverter_fault",
      institution: INSTITUTION,
      device: "inv-1",
      state: "firing",
      severity: "major",
      active_since: "2026-11-29T10:00:00.000Z",
      firing_since: "2026-11-29T10:00:00.000Z",
      resolved_at: null,
      evidence: { power_w: { value: 0, unit: "W" } },
      text: {
        summary: "L'onduleur inv-1 est en défaut (état FAULT)",
        action: expect.stringMatching(/^Notez le code de défaut/),
      },
      ack: null,
      silenced_by: null,
    });
  });

  it("refuses a bad filter, naming it", async () => {
    const res = await bed.request("GET", "/api/v1/alerts?state=burning");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("JISR_ERR_INVALID_REQUEST");
    expect(res.json().error.message).toBe("The querystring is not valid; see problems");
    expect(res.json().error.problems[0].path).toBe("querystring.state");
  });
});

describe("POST /api/v1/alerts/:id/ack", () => {
  it("records who acknowledged, when and why, and stops the reminders", async () => {
    bed.evaluate([condition()]);
    const [alert] = bed.alerts.openAlerts();
    bed.now = T0 + 20 * MIN;
    const res = await bed.request("POST", `/api/v1/alerts/${alert?.id}/ack`, {
      token: bed.techToken,
      body: { comment: "J'arrive avec un fusible" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ack).toEqual({
      by: "Ahmed",
      at: "2026-11-29T10:20:00.000Z",
      comment: "J'arrive avec un fusible",
    });
    // Far past the repeat interval: no reminder for an acknowledged alert.
    bed.now = T0 + 30 * HOUR;
    bed.evaluate([condition()], { forMs: 0, repeatIntervalMs: 4 * HOUR });
    expect(bed.alerts.notifications().map((n) => n.items.map((i) => i.kind))).toEqual([["firing"]]);
  });

  it("accepts an acknowledgement without a body", async () => {
    bed.evaluate([condition()]);
    const [alert] = bed.alerts.openAlerts();
    const res = await bed.request("POST", `/api/v1/alerts/${alert?.id}/ack`);
    expect(res.json().ack).toEqual({
      by: "Salma (coordination)",
      at: "2026-11-29T10:00:00.000Z",
      comment: "",
    });
  });

  it("records the person a service's token acknowledges for, and refuses `by` from any other token", async () => {
    bed.evaluate([condition()]);
    const [alert] = bed.alerts.openAlerts();
    const refused = await bed.request("POST", `/api/v1/alerts/${alert?.id}/ack`, {
      token: bed.techToken,
      body: { by: "Someone else" },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("JISR_ERR_FORBIDDEN_ON_BEHALF");
    expect(bed.alerts.getAlert(alert?.id as string)?.ack).toBeNull();
    const res = await bed.request("POST", `/api/v1/alerts/${alert?.id}/ack`, {
      token: bed.serviceToken,
      body: { by: "Youssef Amrani (youssef)", comment: "En route" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ack).toEqual({
      by: "Youssef Amrani (youssef)",
      at: "2026-11-29T10:00:00.000Z",
      comment: "En route",
    });
  });

  it("answers 404 for an unknown alert and for another institution's, 409 for a resolved one", async () => {
    seed();
    const other = bed.alerts.listAlerts({ institutions: [OTHER_INSTITUTION] })[0];
    const unknown = await bed.request("POST", "/api/v1/alerts/alt_nope/ack");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toEqual({
      code: "JISR_ERR_ALERT_NOT_FOUND",
      message: 'No alert "alt_nope"',
    });
    const hidden = await bed.request("POST", `/api/v1/alerts/${other?.id}/ack`, { token: bed.techToken });
    expect(hidden.statusCode).toBe(404);

    bed.now = T0 + HOUR;
    bed.evaluate([
      {
        ...condition({ institution: OTHER_INSTITUTION, device: "swh-1", rule: "swh_tank_cold" }),
        active: false,
      },
    ]);
    const resolved = await bed.request("POST", `/api/v1/alerts/${other?.id}/ack`);
    expect(resolved.statusCode).toBe(409);
    expect(resolved.json().error.message).toBe(
      `Alert "${other?.id}" is already resolved: there is nothing left to acknowledge`,
    );
  });
});

describe("GET /api/v1/alerts/history", () => {
  it("counts the alerts that fired in the period, with mean and median time to resolve, per rule", async () => {
    // Three inverter faults resolved after 10, 20 and 60 min; a tank alert still open.
    bed.evaluate([
      condition({ device: "inv-1" }),
      condition({ device: "inv-2" }),
      condition({ device: "inv-3" }),
    ]);
    bed.evaluate([condition({ device: "swh-1", rule: "swh_tank_cold" })]);
    for (const [minutes, device] of [
      [10, "inv-1"],
      [20, "inv-2"],
      [60, "inv-3"],
    ] as const) {
      bed.now = T0 + minutes * MIN;
      bed.evaluate([condition({ device, active: false })]);
    }
    const [open] = bed.alerts.listAlerts({ state: "open" });
    await bed.request("POST", `/api/v1/alerts/${open?.id}/ack`);

    const res = await bed.request("GET", "/api/v1/alerts/history?from=2026-11-29&to=2026-11-29");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      institution: null,
      from: "2026-11-28T23:00:00.000Z",
      to: "2026-11-29T23:00:00.000Z",
      count: 4,
      resolved: 3,
      acknowledged: 1,
      mean_time_to_resolve_s: 1800,
      median_time_to_resolve_s: 1200,
      mean_time_to_acknowledge_s: 3600,
      per_rule: [
        {
          rule: "inverter_fault",
          count: 3,
          resolved: 3,
          acknowledged: 0,
          mean_time_to_resolve_s: 1800,
          median_time_to_resolve_s: 1200,
          mean_time_to_acknowledge_s: null,
        },
        {
          rule: "swh_tank_cold",
          count: 1,
          resolved: 0,
          acknowledged: 1,
          mean_time_to_resolve_s: null,
          median_time_to_resolve_s: null,
          mean_time_to_acknowledge_s: 3600,
        },
      ],
    });
    const before = await bed.request("GET", "/api/v1/alerts/history?from=2026-11-01&to=2026-11-28");
    expect(before.json().count).toBe(0);
  });

  it("refuses a period that ends before it starts", async () => {
    const res = await bed.request(
      "GET",
      "/api/v1/alerts/history?from=2026-11-29T12:00:00Z&to=2026-11-29T10:00:00Z",
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([{ path: "querystring.from", message: "must be before to" }]);
  });
});
