/**
 * `startWeb`: the web app listening on a port. The embedded default (`npm start`) and `jisr web serve`
 * both call it. Without an explicit `secureCookies`, the cookie is Secure unless the server listens on
 * loopback with no proxy in front (plain http://127.0.0.1 in the demo, where a browser would drop a
 * Secure cookie). Without `reports`, reports come from the reports library over the same store.
 */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildWebApp, type WebAppOptions } from "./app.js";
import { libraryReports } from "./reports/library.js";

export interface StartWebOptions extends WebAppOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
}

export interface WebServer {
  /** Where the page is, e.g. http://127.0.0.1:8090/ */
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function startWeb(opts: StartWebOptions): Promise<WebServer> {
  const host = opts.host ?? "127.0.0.1";
  const reports =
    opts.reports ??
    libraryReports({
      store: opts.store,
      institutions: opts.institutions,
      ...(opts.alerting ? { alerts: opts.alerting } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      // The same folder the bills page writes to (routes/bills), so a recorded bill shows in the reports.
      billsDir: process.env.JISR_BILLS_DIR ?? "data/bills",
    });
  const secureCookies = opts.secureCookies ?? !(LOOPBACK.has(host) && !opts.trustProxy);
  const app = await buildWebApp({ ...opts, reports, secureCookies });
  try {
    await app.listen({ host, port: opts.port ?? 0 });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}/`, app, close: () => app.close() };
}
