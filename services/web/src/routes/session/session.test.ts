/** Logging in and out: the cookie's flags, sessions that end, and login attempts that are rate-limited. */
import { afterEach, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { USERS } from "../../testing/fixture.js";

let bed: WebBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** The attributes of a Set-Cookie value, in any order (the cookie library chooses it). */
const cookieParts = (setCookie: string) => new Set(setCookie.split("; ").slice(1));

const login = (b: WebBed, id: string, password: string, headers: Record<string, string> = {}) =>
  b.app.inject({ method: "POST", url: "/api/v1/login", payload: { id, password }, headers });

describe("POST /api/v1/login", () => {
  it("opens a session in an HttpOnly, SameSite=Strict cookie and answers who logged in", async () => {
    bed = await webBed();
    const res = await login(bed, "Karim", USERS.manager.password);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookieParts(cookie)).toEqual(new Set(["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"]));
    expect(cookie).toMatch(/^jisr_session=[A-Za-z0-9_-]{43};/);
    expect(res.json()).toMatchObject({
      user: { id: "karim", role: "manager", language: "ar", via: "session", can: { programme: false } },
      expires_at: "2026-11-20T22:00:00.000Z",
    });
  });

  it("marks the cookie Secure, with the __Host- prefix, behind https", async () => {
    bed = await webBed({ overrides: { secureCookies: true } });
    const res = await login(bed, USERS.ministry.id, USERS.ministry.password);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^__Host-jisr_session=[A-Za-z0-9_-]{43};/);
    expect(cookieParts(cookie)).toEqual(
      new Set(["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200", "Secure"]),
    );
    const me = await bed.get("/api/v1/me", { cookie: cookie.split(";")[0] });
    expect(me.json().id).toBe("salma");
  });

  it("answers a wrong password and an unknown user alike", async () => {
    bed = await webBed();
    for (const [id, password] of [
      ["karim", "wrong-password"],
      ["nobody", "whatever-password"],
    ]) {
      const res = await login(bed, id as string, password as string);
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({
        code: "JISR_ERR_LOGIN_FAILED",
        message: "Unknown user or wrong password",
      });
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("refuses a body that is not {id, password}, naming the field", async () => {
    bed = await webBed();
    const res = await bed.post("/api/v1/login", { id: "karim" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      { path: "body.password", message: "Invalid input: expected string, received undefined" },
    ]);
  });
});

describe("login rate limits", () => {
  const limits = { perId: 3, perIdWindowMs: 60_000, perAddress: 6, perAddressWindowMs: 10_000 };

  it("locks an id after its failed attempts, even for the right password, until Retry-After has passed", async () => {
    const b = await webBed({ loginLimits: limits });
    bed = b;
    for (let i = 0; i < 3; i++) expect((await login(b, "karim", "wrong-password")).statusCode).toBe(401);
    const locked = await login(b, "karim", USERS.manager.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["retry-after"]).toBe("60");
    expect(locked.json().error).toEqual({
      code: "JISR_ERR_TOO_MANY_ATTEMPTS",
      message: "Too many login attempts: wait 60 s before trying again",
    });
    // Another id is not affected by karim's lock.
    const other = await login(b, "salma", USERS.ministry.password);
    expect(other.statusCode).toBe(200);
    b.now += 60_000;
    expect((await login(b, "karim", USERS.manager.password)).statusCode).toBe(200);
  });

  it("limits one address trying many ids", async () => {
    const b = await webBed({ loginLimits: limits });
    bed = b;
    for (let i = 0; i < 6; i++) expect((await login(b, `guess-${i}`, "password-guess")).statusCode).toBe(401);
    const res = await login(b, USERS.ministry.id, USERS.ministry.password);
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("10");
  });
});

describe("sessions", () => {
  it("logout ends the session on the server: the old cookie no longer works", async () => {
    bed = await webBed();
    const cookie = await bed.login("technician");
    expect((await bed.get("/api/v1/me", { cookie })).statusCode).toBe(200);
    const out = await bed.post("/api/v1/logout", undefined, { cookie });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
    expect((await bed.get("/api/v1/me", { cookie })).statusCode).toBe(401);
  });

  it("expires after two idle hours and after twelve hours in all", async () => {
    const b = await webBed();
    bed = b;
    const idle = await b.login("manager");
    b.now += 2 * 3_600_000;
    expect((await b.get("/api/v1/me", { cookie: idle })).statusCode).toBe(401);
    const busy = await b.login("manager");
    for (let h = 0; h < 12; h++) {
      expect((await b.get("/api/v1/me", { cookie: busy })).statusCode).toBe(200);
      b.now += 3_600_000;
    }
    expect((await b.get("/api/v1/me", { cookie: busy })).statusCode).toBe(401);
  });

  it("times sessions on the security clock when one is given, not on the data clock (the demo's sun clock)", async () => {
    let wall = Date.parse("2026-11-20T10:00:00Z");
    const b = await webBed({ overrides: { securityClock: () => wall } });
    bed = b;
    const cookie = await b.login("manager");
    b.now += 3 * 3_600_000; // the data clock runs ahead, as the demo's sun clock does
    expect((await b.get("/api/v1/me", { cookie })).statusCode).toBe(200);
    wall += 2 * 3_600_000; // two idle hours of wall time end it
    expect((await b.get("/api/v1/me", { cookie })).statusCode).toBe(401);
  });

  it("refuses a cookie-authenticated change coming from another origin", async () => {
    bed = await webBed();
    const cookie = await bed.login("ministry");
    const alert = bed.fixture.alertIds.get("foyer-ben-guerir");
    const res = await bed.app.inject({
      method: "POST",
      url: `/api/v1/alerts/${alert}/ack`,
      headers: { cookie, origin: "https://evil.example", host: "jisr.example" },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("JISR_ERR_CROSS_ORIGIN");
  });
});
