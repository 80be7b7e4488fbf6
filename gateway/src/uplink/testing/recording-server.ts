/**
 * For tests: a real HTTP server on loopback that stands in for ingestion's write endpoint. It records
 * every request (headers, gunzipped JSON body, arrival time, the status it got) and answers from a
 * script, then with `respond(points)` when given, else 204.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import type { Point } from "@jisr/core";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  points: Point[];
  at: number;
  /** The status answered. */
  status: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; once used up, `respond` answers (204 by default). */
  script: ScriptedAnswer[];
  close(): Promise<void>;
}

export interface RecordingServerOptions {
  /** Port to listen on (0: a free one). */
  port?: number;
  /** Answer each request this long after it arrived: a slow link or a busy server. */
  delayMs?: number;
}

export async function startRecordingServer(
  script: ScriptedAnswer[] = [],
  respond: (points: Point[]) => ScriptedAnswer = () => ({ status: 204 }),
  options: RecordingServerOptions = {},
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const state = { script };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString() : raw.toString();
      const body = JSON.parse(text) as { points: Point[] };
      const answer = state.script.shift() ?? respond(body.points);
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        points: body.points,
        at: Date.now(),
        status: answer.status,
      });
      const reply = () => {
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      };
      if (options.delayMs) setTimeout(reply, options.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get script() {
      return state.script;
    },
    set script(next: ScriptedAnswer[]) {
      state.script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
