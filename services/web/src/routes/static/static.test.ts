/** The page's files and the security headers on every answer (helmet, the CSP the page needs). */
import { afterEach, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";

let bed: WebBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** The CSP as a set of directives (helmet's separators differ from a hand-written header). */
const directives = (csp: unknown) =>
  new Set(
    String(csp)
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean),
  );

const PAGE_CSP = new Set([
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
]);

describe("the page's files", () => {
  it("serves the page at /, revalidated by ETag on every load", async () => {
    bed = await webBed();
    const page = await bed.get("/");
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.body).toContain('<script type="module" src="/js/app.js"></script>');
    const etag = String(page.headers.etag);
    const again = await bed.app.inject({ method: "GET", url: "/", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });

  it("serves the modules and the style sheet with their types", async () => {
    bed = await webBed();
    const js = await bed.get("/js/app.js");
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toMatch(/javascript/);
    const css = await bed.get("/style.css");
    expect(css.headers["content-type"]).toMatch(/^text\/css/);
  });

  it("serves nothing outside the folder, nor files it does not hold", async () => {
    bed = await webBed();
    for (const url of ["/../package.json", "/%2e%2e/package.json", "/js/../../src/app.ts", "/missing.js"]) {
      const res = await bed.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe("JISR_ERR_NOT_FOUND");
    }
  });
});

describe("security headers", () => {
  it("keeps the page's own files in charge: CSP, no framing, no sniffing, no referrer", async () => {
    bed = await webBed();
    for (const url of ["/", "/api/v1/me", "/nowhere"]) {
      const res = await bed.get(url);
      expect(directives(res.headers["content-security-policy"]), url).toEqual(PAGE_CSP);
      expect(res.headers["x-frame-options"], url).toBe("DENY");
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
      expect(res.headers["referrer-policy"], url).toBe("no-referrer");
    }
  });

  it("never lets an API answer be stored; HSTS only behind https", async () => {
    bed = await webBed();
    const cookie = await bed.login("manager");
    const me = await bed.get("/api/v1/me", { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.headers["cache-control"]).toBe("no-store");
    expect(me.headers["strict-transport-security"]).toBeUndefined();
    await bed.close();
    bed = await webBed({ overrides: { secureCookies: true } });
    expect((await bed.get("/")).headers["strict-transport-security"]).toMatch(/^max-age=31536000/);
  });
});
