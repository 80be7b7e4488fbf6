/** /api/v1/silences through `app.inject`: create, list, end, and their effect on alerts and notifications. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { condition, HOUR, T0 } from "../../engine/testing/helpers.js";
import { type ApiBed, apiBed, INSTITUTION, OTHER_INSTITUTION } from "../../testing/service.js";

let bed: ApiBed;
beforeEach(async () => {
  bed = await apiBed();
});
afterEach(() => bed.close());

const silence = (body: Record<string, unknown>, token?: string) =>
  bed.request("POST", "/api/v1/silences", { body, ...(token && { token }) });

describe("POST /api/v1/silences", () => {
  it("creates a silence for a duration, recording who and why", async () => {
    const res = await silence({
      matchers: { institution: INSTITUTION, device: "inv-1" },
      duration: "2h",
      comment: "onduleur remplacé ce matin",
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      matchers: { institution: INSTITUTION, device: "inv-1" },
      starts_at: "2026-11-29T10:00:00.000Z",
      ends_at: "2026-11-29T12:00:00.000Z",
      created_by: "Salma (coordination)",
      comment: "onduleur remplacé ce matin",
      state: "active",
    });
    expect(res.json().id).toMatch(/^sil_[0-9a-f]{16}$/);
  });

  it("suppresses notifications of matching alerts until it expires, and shows which silence hides them", async () => {
    await silence({
      matchers: { rule: "inverter_fault" },
      ends_at: "2026-11-29T11:00:00Z",
      comment: "travaux",
    });
    bed.evaluate([condition()]);
    expect(bed.alerts.notifications()).toEqual([]);
    const [alert] = (await bed.request("GET", "/api/v1/alerts")).json().alerts;
    expect(alert.silenced_by).toMatch(/^sil_/);

    bed.now = T0 + HOUR;
    bed.evaluate([condition()]);
    expect(bed.alerts.notifications().map((n) => n.items.map((i) => i.kind))).toEqual([["firing"]]);
    const listed = await bed.request("GET", "/api/v1/silences?state=expired");
    expect(listed.json().silences.map((s: { state: string }) => s.state)).toEqual(["expired"]);
  });

  it("refuses a silence without matchers, without a comment, or with both an end and a duration", async () => {
    const res = await silence({
      matchers: {},
      ends_at: "2026-11-29T11:00:00Z",
      duration: "1h",
      comment: " ",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      { path: "body.matchers", message: "must name at least one of institution, rule, device" },
      { path: "body.comment", message: "must say why (who will read it later?)" },
      { path: "body.ends_at", message: "give ends_at or duration (one of them)" },
    ]);
  });

  it("refuses a silence that has already ended, or lasts more than 90 days", async () => {
    const past = await silence({ matchers: { rule: "x" }, ends_at: "2026-11-29T09:00:00Z", comment: "late" });
    expect(past.json().error.problems).toEqual([
      { path: "body.ends_at", message: "must be after starts_at and in the future" },
    ]);
    const long = await silence({ matchers: { rule: "x" }, duration: "91d", comment: "forever" });
    expect(long.json().error.problems).toEqual([
      { path: "body.duration", message: "must be more than 0 and at most 90d" },
    ]);
  });

  it("makes a scoped token name one of its institutions", async () => {
    const global = await silence(
      { matchers: { rule: "inverter_fault" }, duration: "1h", comment: "x" },
      bed.techToken,
    );
    expect(global.statusCode).toBe(403);
    expect(global.json().error.code).toBe("JISR_ERR_SILENCE_NEEDS_INSTITUTION");
    const other = await silence(
      { matchers: { institution: OTHER_INSTITUTION }, duration: "1h", comment: "x" },
      bed.techToken,
    );
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe("JISR_ERR_FORBIDDEN_INSTITUTION");
    const own = await silence(
      { matchers: { institution: INSTITUTION }, duration: "1h", comment: "x" },
      bed.techToken,
    );
    expect(own.statusCode).toBe(201);
    expect(own.json().created_by).toBe("Ahmed");
  });
});

describe("GET and DELETE /api/v1/silences", () => {
  it("lists current silences a token can see, and ends one early (kept as expired)", async () => {
    const mine = (
      await silence({ matchers: { institution: INSTITUTION }, duration: "4h", comment: "a" })
    ).json();
    await silence({ matchers: { institution: OTHER_INSTITUTION }, duration: "4h", comment: "b" });
    await silence({ matchers: { rule: "pv_soiling" }, duration: "4h", comment: "c" });

    const seenByTech = (await bed.request("GET", "/api/v1/silences", { token: bed.techToken })).json();
    expect(seenByTech.silences.map((s: { comment: string }) => s.comment).sort()).toEqual(["a", "c"]);

    bed.now = T0 + HOUR;
    const ended = await bed.request("DELETE", `/api/v1/silences/${mine.id}`, { token: bed.techToken });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ ends_at: "2026-11-29T11:00:00.000Z", state: "expired" });
    const current = (await bed.request("GET", "/api/v1/silences")).json();
    expect(current.silences.map((s: { comment: string }) => s.comment).sort()).toEqual(["b", "c"]);
    const all = (await bed.request("GET", "/api/v1/silences?state=all")).json();
    expect(all.silences).toHaveLength(3);
  });

  it("answers 404 for an unknown silence and for one a scoped token cannot see", async () => {
    const other = (
      await silence({ matchers: { institution: OTHER_INSTITUTION }, duration: "1h", comment: "b" })
    ).json();
    const unknown = await bed.request("DELETE", "/api/v1/silences/sil_nope");
    expect(unknown.json().error).toEqual({
      code: "JISR_ERR_SILENCE_NOT_FOUND",
      message: 'No silence "sil_nope"',
    });
    const hidden = await bed.request("DELETE", `/api/v1/silences/${other.id}`, { token: bed.techToken });
    expect(hidden.statusCode).toBe(404);
  });
});
