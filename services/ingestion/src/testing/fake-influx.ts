/**
 * For tests: a real HTTP server on loopback that answers the v1 API (`/ping`, `/query`, `/write`) the way
 * an InfluxDB 1.x does when Jisr's setup is wrong, so the whole chain can be run against a store that
 * refuses. `mode` can be changed while it runs:
 *
 * - "ok": every statement succeeds, writes are stored (`lines`) and answered 204;
 * - "unauthorized": the password was changed; `/query` and `/write` get 401 "authorization failed";
 * - "database-not-found": a user without admin rights and no database; CREATE DATABASE gets 403, other
 *   statements "database not found", `/write` 404 "database not found".
 *
 * `/ping` answers 204 in every mode, as 1.x does without auth.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeInfluxMode = "ok" | "unauthorized" | "database-not-found";

export interface FakeInfluxRequest {
  method: string;
  path: string;
  mode: FakeInfluxMode;
  status: number;
}

export interface FakeInflux {
  url: string;
  mode: FakeInfluxMode;
  /** Every request, with the status it got. */
  requests: FakeInfluxRequest[];
  /** The line-protocol lines of the writes answered 204, in order. */
  lines: string[];
  close(): Promise<void>;
}

const VERSION = { "x-influxdb-version": "1.8.10" };

export async function startFakeInflux(database: string, mode: FakeInfluxMode = "ok"): Promise<FakeInflux> {
  const state: { mode: FakeInfluxMode } = { mode };
  const requests: FakeInfluxRequest[] = [];
  const lines: string[] = [];

  function send(res: ServerResponse, status: number, body?: unknown): number {
    res.writeHead(status, { ...VERSION, ...(body !== undefined && { "content-type": "application/json" }) });
    res.end(body === undefined ? undefined : JSON.stringify(body));
    return status;
  }

  function query(body: string, res: ServerResponse): number {
    const q = new URLSearchParams(body).get("q") ?? "";
    const statements = q.split(";").filter((s) => s.trim() !== "");
    if (state.mode === "unauthorized") return send(res, 401, { error: "authorization failed" });
    if (state.mode === "database-not-found") {
      if (/^\s*CREATE DATABASE/i.test(q))
        return send(res, 403, {
          error: `error authorizing query: jisr not authorized to execute statement '${q}', requires admin privilege`,
        });
      const results = statements.map((_, i) => ({
        statement_id: i,
        error: `database not found: ${database}`,
      }));
      return send(res, 200, { results });
    }
    return send(res, 200, { results: statements.map((_, i) => ({ statement_id: i })) });
  }

  function write(body: string, res: ServerResponse): number {
    if (state.mode === "unauthorized") return send(res, 401, { error: "authorization failed" });
    if (state.mode === "database-not-found")
      return send(res, 404, { error: `database not found: "${database}"` });
    lines.push(...body.split("\n").filter((l) => l.trim() !== ""));
    return send(res, 204);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const path = (req.url ?? "").split("?")[0] ?? "";
      const modeNow = state.mode;
      const status =
        path === "/ping"
          ? send(res, 204)
          : path === "/query"
            ? query(body, res)
            : path === "/write"
              ? write(body, res)
              : send(res, 404, { error: "not found" });
      requests.push({ method: req.method ?? "", path, mode: modeNow, status });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    lines,
    get mode() {
      return state.mode;
    },
    set mode(next: FakeInfluxMode) {
      state.mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
