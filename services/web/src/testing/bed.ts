/**
 * For the API tests: the whole app (buildWebApp) over the fixture, requests through `app.inject`, and a
 * login per role that returns the session cookie, as fastify/demo's test/helper.ts builds its app.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildWebApp, type WebAppOptions } from "../app.js";
import { libraryReports } from "../reports/library.js";
import type { LoginLimits } from "../routes/session/index.js";
import { NOW, USERS, type WebFixture, webFixture } from "./fixture.js";

export type RoleName = keyof typeof USERS;

export interface WebBed {
  fixture: WebFixture;
  app: FastifyInstance;
  /** The clock the app reads; tests move it. */
  now: number;
  /** Logs in as one of the fixture's users; returns the `Cookie` header value. */
  login(role: RoleName): Promise<string>;
  get(url: string, auth?: { cookie?: string; token?: string }): Promise<LightMyRequestResponse>;
  post(
    url: string,
    body: unknown,
    auth?: { cookie?: string; token?: string },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

function headers(auth: { cookie?: string; token?: string } = {}): Record<string, string> {
  return {
    ...(auth.cookie ? { cookie: auth.cookie } : {}),
    ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
  };
}

export async function webBed(
  opts: { loginLimits?: LoginLimits; overrides?: Partial<WebAppOptions> } = {},
): Promise<WebBed> {
  const fixture = await webFixture({ clock: () => bed.now });
  const bed: WebBed = {
    fixture,
    now: NOW,
    app: undefined as unknown as FastifyInstance,
    async login(role) {
      const u = USERS[role];
      const res = await bed.post("/api/v1/login", { id: u.id, password: u.password });
      if (res.statusCode !== 200) throw new Error(`login as ${role}: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers["set-cookie"]).split(";")[0];
      return cookie ?? "";
    },
    get: (url, auth) => bed.app.inject({ method: "GET", url, headers: headers(auth) }),
    post: (url, body, auth) =>
      bed.app.inject({
        method: "POST",
        url,
        headers: headers(auth),
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    async close() {
      await bed.app.close();
      await fixture.close();
    },
  };
  const clock = () => bed.now;
  bed.app = await buildWebApp({
    store: fixture.store,
    institutions: fixture.institutions,
    usersFile: fixture.usersFile,
    alerting: fixture.alerting,
    reports: libraryReports({
      store: fixture.store,
      institutions: fixture.institutions,
      alerts: fixture.alerting,
      clock,
    }),
    clock,
    secureCookies: false,
    ...(opts.loginLimits ? { loginLimits: opts.loginLimits } : {}),
    ...opts.overrides,
  });
  return bed;
}
