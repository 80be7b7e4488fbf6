/**
 * For tests: an HTTP proxy in front of the ingestion service that can withhold its answers. A held
 * request has been forwarded and stored, but the gateway never hears so: exactly the moment a crash
 * turns into a duplicate upload. It records the points of every request that went through.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface PassedBatch {
  status: number;
  /** "<measurement>,<device>,<time>" of every point, in order. */
  keys: string[];
}

export interface AckGate {
  url: string;
  batches: PassedBatch[];
  /** Requests forwarded and answered upstream whose answer is being withheld. */
  readonly held: number;
  /** From now on, withhold every answer. */
  hold(): void;
  /** Stop withholding; answers held so far are sent (or dropped, when their client is gone). */
  release(): void;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function keysOf(body: Buffer, encoding: string | undefined): string[] {
  try {
    const text = (encoding === "gzip" ? gunzipSync(body) : body).toString();
    const parsed = JSON.parse(text) as {
      points?: { measurement: string; tags: Record<string, string>; time: number }[];
    };
    return (parsed.points ?? []).map((p) => `${p.measurement},${p.tags.device},${p.time}`);
  } catch {
    return [];
  }
}

export async function startAckGate(upstreamUrl: string): Promise<AckGate> {
  const state = { holding: false, waiting: [] as Array<() => void>, batches: [] as PassedBatch[] };
  const answer = (res: ServerResponse, up: Upstream) => {
    if (res.destroyed) return;
    res.writeHead(up.status, up.headers);
    res.end(up.body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k, v]) => typeof v === "string" && !["host", "content-length", "connection"].includes(k),
        ),
      ) as Record<string, string>;
      let up: Upstream;
      try {
        const r = await fetch(`${upstreamUrl}${req.url}`, { method: req.method, headers, body });
        const kept = ["content-type", "retry-after"].flatMap((h) =>
          r.headers.get(h) ? [[h, r.headers.get(h) as string]] : [],
        );
        up = {
          status: r.status,
          headers: Object.fromEntries(kept),
          body: Buffer.from(await r.arrayBuffer()),
        };
      } catch {
        // Upstream unreachable: the gateway sees what a dead ingestion looks like behind a proxy.
        res.socket?.destroy();
        return;
      }
      state.batches.push({ status: up.status, keys: keysOf(body, req.headers["content-encoding"]) });
      if (state.holding) state.waiting.push(() => answer(res, up));
      else answer(res, up);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    batches: state.batches,
    get held() {
      return state.waiting.length;
    },
    hold: () => {
      state.holding = true;
    },
    release: () => {
      state.holding = false;
      for (const send of state.waiting.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        state.holding = false;
        state.waiting.length = 0;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
