/**
 * Who may see what, endpoint by endpoint: another institution's data, alerts and reports are 403 (not an
 * empty list) for a manager and a technician, with a session cookie and with an API token alike; the
 * ministry sees everything; nobody sees anything without logging in.
 */
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { CENTRE, FOYER, MAISON } from "../../testing/fixture.js";
import { addApiToken } from "../../users/file.js";
import access from "./access.js";

let bed: WebBed;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  bed = await webBed();
  for (const role of ["ministry", "manager", "technician"] as const) cookies[role] = await bed.login(role);
});
afterAll(async () => bed?.close());

const alertOf = (institution: string) => bed.fixture.alertIds.get(institution) as string;

/** Every read endpoint, about one institution. */
const reads = (id: string) => [
  `/api/v1/institutions/${id}/summary`,
  `/api/v1/alerts?institution=${id}`,
  `/api/v1/reports?period=2026-10&institution=${id}&format=csv&lang=fr`,
];

describe("without credentials", () => {
  it.each([
    "/api/v1/me",
    "/api/v1/institutions",
    `/api/v1/institutions/${FOYER}/summary`,
    "/api/v1/programme/summary",
    "/api/v1/alerts",
    "/api/v1/reports?period=2026-10",
  ])("GET %s is 401", async (url) => {
    const res = await bed.get(url);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe("JISR_ERR_UNAUTHORIZED");
  });

  it("a forged or expired session cookie is 401", async () => {
    const res = await bed.get("/api/v1/me", { cookie: `jisr_session=${"A".repeat(43)}` });
    expect(res.statusCode).toBe(401);
  });

  it("acknowledging is 401", async () => {
    const res = await bed.post(`/api/v1/alerts/${alertOf(FOYER)}/ack`, {});
    expect(res.statusCode).toBe(401);
  });
});

describe("a manager of one institution", () => {
  const as = () => ({ cookie: cookies.manager });

  it("lists their institution only", async () => {
    const res = await bed.get("/api/v1/institutions", as());
    expect(res.json().institutions.map((i: { id: string }) => i.id)).toEqual([FOYER]);
  });

  it.each(reads(FOYER))("reads their own: GET %s is 200", async (url) => {
    expect((await bed.get(url, as())).statusCode).toBe(200);
  });

  it.each(reads(MAISON))("gets 403 for another institution: GET %s", async (url) => {
    const res = await bed.get(url, as());
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({
      code: "JISR_ERR_FORBIDDEN_INSTITUTION",
      message: `You are not allowed to see institution "${MAISON}"`,
    });
  });

  it("gets 403, not 404, for an institution that does not exist (ids are not disclosed)", async () => {
    const res = await bed.get("/api/v1/institutions/nowhere/summary", as());
    expect(res.statusCode).toBe(403);
  });

  it("sees only their institution's alerts in the unfiltered list", async () => {
    const res = await bed.get("/api/v1/alerts", as());
    expect(res.json().alerts.map((a: { institution: string }) => a.institution)).toEqual([FOYER]);
  });

  it.each([
    ["/api/v1/programme/summary", "A manager may not see the programme overview"],
    [
      "/api/v1/reports?period=2026-10&format=csv",
      "A manager may not download reports for the whole programme",
    ],
  ])("gets 403 for the programme: GET %s", async (url, message) => {
    const res = await bed.get(url, as());
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({ code: "JISR_ERR_FORBIDDEN_ROLE", message });
  });

  it("may not acknowledge alerts, even their own institution's", async () => {
    const res = await bed.post(`/api/v1/alerts/${alertOf(FOYER)}/ack`, {}, as());
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe("A manager may not acknowledge alerts");
  });

  it("gets the same answers with an API token as with the session", async () => {
    const { token } = await addApiToken(bed.fixture.usersFile, "karim", { note: "test" });
    // The users file is re-read within usersPollMs; wait for the token to be known.
    await expect
      .poll(async () => (await bed.get("/api/v1/me", { token })).statusCode, { timeout: 5000 })
      .toBe(200);
    expect((await bed.get(`/api/v1/institutions/${FOYER}/summary`, { token })).statusCode).toBe(200);
    for (const url of reads(MAISON)) expect((await bed.get(url, { token })).statusCode).toBe(403);
    expect((await bed.get("/api/v1/me", { token: `${token.slice(0, -1)}x` })).statusCode).toBe(401);
  });
});

describe("a technician covering two institutions", () => {
  const as = () => ({ cookie: cookies.technician });

  it.each([...reads(FOYER), ...reads(CENTRE)])("reads a covered institution: GET %s is 200", async (url) => {
    expect((await bed.get(url, as())).statusCode).toBe(200);
  });

  it.each(reads(MAISON))("gets 403 for one not covered: GET %s", async (url) => {
    expect((await bed.get(url, as())).statusCode).toBe(403);
  });

  it("gets 403 for the programme overview", async () => {
    expect((await bed.get("/api/v1/programme/summary", as())).statusCode).toBe(403);
  });

  it("may not acknowledge an alert of an institution not covered", async () => {
    const res = await bed.post(`/api/v1/alerts/${alertOf(MAISON)}/ack`, {}, as());
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("JISR_ERR_FORBIDDEN_INSTITUTION");
    expect(bed.fixture.alerts.getAlert(alertOf(MAISON))?.ack).toBeNull();
  });
});

describe("the ministry", () => {
  const as = () => ({ cookie: cookies.ministry });

  it.each([...reads(FOYER), ...reads(MAISON), ...reads(CENTRE), "/api/v1/programme/summary"])(
    "reads everything: GET %s is 200",
    async (url) => {
      expect((await bed.get(url, as())).statusCode).toBe(200);
    },
  );

  it("gets 404 for an institution that does not exist", async () => {
    const res = await bed.get("/api/v1/institutions/nowhere/summary", as());
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("JISR_ERR_UNKNOWN_INSTITUTION");
  });
});

describe("the access plugin", () => {
  it("refuses a route that declares no access rule, when it is added", async () => {
    const app = Fastify();
    await app.register(access);
    expect(() => app.get("/api/v1/leaky", async () => ({ all: "data" }))).toThrow(
      "GET /api/v1/leaky: every route must declare config.access (roles or public)",
    );
  });
});
