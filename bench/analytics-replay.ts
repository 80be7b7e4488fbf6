/**
 * The database's own time for the analytics job's reads: the InfluxQL statements the job sent, recorded
 * while it ran, sent again the same number at a time and their answers read to the end but not parsed.
 * It is the baseline of bench/analytics-month.ts on InfluxDB: what no client could go under with these
 * queries on this machine, next to the job's own time (the job also parses, computes and writes).
 *
 * Recording wraps `InfluxClient.prototype.query`, the one path every InfluxStore read goes through, for
 * the time of the job only (bench code: the product has no hook for it and needs none).
 */

import http from "node:http";
import { InfluxClient } from "@jisr/core/influx";

export interface Recording {
  /** The statements sent, in the order they were sent (several `;`-joined statements stay one request). */
  readonly queries: string[];
  stop(): void;
}

export function recordQueries(): Recording {
  const proto = InfluxClient.prototype;
  const original = proto.query;
  const queries: string[] = [];
  proto.query = function (this: InfluxClient, influxql, params) {
    // Parameterised statements are not replayed: the job's reads bind none.
    if (params === undefined && /^\s*SELECT/i.test(influxql)) queries.push(influxql);
    return original.call(this, influxql, params);
  };
  return {
    queries,
    stop: () => {
      proto.query = original;
    },
  };
}

export interface Replay {
  ms: number;
  /** Bytes of the answers. */
  bytes: number;
}

/** Sends `queries` to `url`/`database`, `concurrency` at a time, each answer read whole and dropped. */
export async function replayQueries(
  url: string,
  database: string,
  queries: readonly string[],
  concurrency: number,
): Promise<Replay> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL("/query", url);
  let bytes = 0;
  const one = (q: string) =>
    new Promise<void>((resolve, reject) => {
      const body = new URLSearchParams({ q, db: database, epoch: "ms" }).toString();
      const req = http.request(
        target,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
            "accept-encoding": "identity",
          },
        },
        (res) => {
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on("end", () =>
            res.statusCode === 200
              ? resolve()
              : reject(new Error(`replay: InfluxDB answered ${res.statusCode}`)),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < queries.length) await one(queries[next++] as string);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  } finally {
    agent.destroy();
  }
  return { ms: performance.now() - started, bytes };
}
