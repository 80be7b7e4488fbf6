/**
 * Login limits under concurrency, over real HTTP to a listening server: parallel attempts from many
 * source addresses (127.0.0.2, .3, ... are all loopback on Linux) cannot get more password checks than
 * the per-id limit. The password function is wrapped to count its calls (it still runs for real).
 */
import { request } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startWeb, type WebServer } from "../../server.js";
import { NOW, USERS, type WebFixture, webFixture } from "../../testing/fixture.js";

const checks = vi.hoisted(() => ({ count: 0 }));

vi.mock("../../users/password.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../users/password.js")>();
  return {
    ...real,
    verifyPassword: (...args: Parameters<typeof real.verifyPassword>) => {
      checks.count += 1;
      return real.verifyPassword(...args);
    },
  };
});

interface Answer {
  status: number;
  retryAfter: string | undefined;
  code: string | undefined;
}

/** POST /api/v1/login on a new connection from `from` (a loopback address). */
function login(server: WebServer, from: string, id: string, password: string): Promise<Answer> {
  const url = new URL("api/v1/login", server.url);
  const body = JSON.stringify({ id, password });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          const parsed = JSON.parse(text) as { error?: { code: string } };
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, retryAfter, code: parsed.error?.code });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const address = (i: number) => `127.0.0.${2 + i}`;

let fixture: WebFixture | undefined;
let server: WebServer | undefined;
let now = NOW;

afterEach(async () => {
  await server?.close();
  await fixture?.close();
  server = undefined;
  fixture = undefined;
});

async function start(limits: {
  perId: number;
  perIdWindowMs: number;
  perAddress: number;
  perAddressWindowMs: number;
}): Promise<WebServer> {
  fixture = await webFixture();
  now = NOW;
  checks.count = 0;
  server = await startWeb({
    store: fixture.store,
    institutions: fixture.institutions,
    usersFile: fixture.usersFile,
    clock: () => NOW,
    securityClock: () => now,
    loginLimits: limits,
    host: "127.0.0.1",
  });
  return server;
}

describe("login limits under concurrency (real HTTP)", () => {
  it("checks at most 5 passwords for one id, whatever the parallel requests and their addresses", async () => {
    const s = await start({ perId: 5, perIdWindowMs: 60_000, perAddress: 100, perAddressWindowMs: 60_000 });
    const karim = USERS.manager;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(s, address(i), karim.id, `wrong-password-${i}`)),
    );
    expect(checks.count).toBe(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(15);
    for (const a of refused) {
      expect(a.code).toBe("JISR_ERR_TOO_MANY_ATTEMPTS");
      expect(Number(a.retryAfter)).toBe(60); // the clock did not move: the whole window is left
    }

    // Locked: the right password from an address not used yet is refused, and not even checked.
    const locked = await login(s, address(40), karim.id, karim.password);
    expect(locked).toMatchObject({ status: 429, code: "JISR_ERR_TOO_MANY_ATTEMPTS", retryAfter: "60" });
    expect(checks.count).toBe(5);
    // Another id is not affected.
    expect((await login(s, address(41), USERS.ministry.id, USERS.ministry.password)).status).toBe(200);

    now += 30_000;
    expect(await login(s, address(42), "KARIM", karim.password)).toMatchObject({
      status: 429,
      retryAfter: "30",
    });
    now += 30_000; // the window has passed
    expect((await login(s, address(43), karim.id, karim.password)).status).toBe(200);
  });

  it("limits each address, and another address keeps its own allowance", async () => {
    const s = await start({ perId: 5, perIdWindowMs: 60_000, perAddress: 3, perAddressWindowMs: 60_000 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login(s, address(0), `guess-${i}`, "password-guess")),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(3);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(5);
    for (const a of refused)
      expect(a).toMatchObject({ code: "JISR_ERR_TOO_MANY_ATTEMPTS", retryAfter: "60" });
    // Refused per address before the body is read: no password checked for them.
    expect(checks.count).toBe(3);
    expect((await login(s, address(0), USERS.ministry.id, USERS.ministry.password)).status).toBe(429);
    expect((await login(s, address(1), USERS.ministry.id, USERS.ministry.password)).status).toBe(200);
  });
});
