/**
 * docs/scale-out.md's claim that ingestion instances are stateless and can sit behind any round-robin
 * load balancer, checked with a stand-in: two instances (same tokens file, same influxd database) behind a
 * TCP round-robin proxy written here; every write answered 204 is stored, and both instances served.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { type AddressInfo, connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { createInfluxStore } from "./influx.js";
import { startIngestion } from "./server.js";
import { influxQuery, makeTokens } from "./testing/service.js";

/** Each new connection goes to the next backend in turn, bytes copied both ways. */
function roundRobinProxy(backends: number[]): Promise<Server> {
  let next = 0;
  const server = createServer((client) => {
    const port = backends[next++ % backends.length] as number;
    const upstream = connect(port, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function write(port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/write?precision=ms",
        agent: false,
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", connection: "close" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
    req.end(body);
  });
}

it("two instances behind a round-robin TCP proxy both serve, and every 204 is stored", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jisr-scale-"));
  const database = uniqueDatabase("scale_out");
  const tokens = await makeTokens(dir);
  const stores = [0, 1].map(() =>
    createInfluxStore({ influxUrl: influxUrl(), database, logger: pino({ level: "silent" }) }),
  );
  const servers = await Promise.all(
    stores.map((store) =>
      startIngestion({ store, tokensFile: tokens.tokensFile, host: "127.0.0.1", port: 0, logger: false }),
    ),
  );
  const proxy = await roundRobinProxy(servers.map((s) => Number(new URL(s.url).port)));
  try {
    const port = (proxy.address() as AddressInfo).port;
    const T = Date.UTC(2026, 10, 29, 10);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        write(port, i % 2 ? tokens.token : tokens.otherToken, `lb,device=d${i} v=${i} ${T}`),
      ),
    );
    expect(answers).toEqual(Array(20).fill(204));
    const served = servers.map((s) => s.app.requestSummary.take()?.requests ?? 0);
    expect(served).toEqual([10, 10]);
    expect(await influxQuery(influxUrl(), database, 'SELECT count("v") FROM "lb"')).toEqual([
      { time: 0, count: 20 },
    ]);
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
    for (const s of servers) await s.close();
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
