import { createServer, type Server } from "node:http";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { storeContract, T0 } from "./contract.js";
import { InfluxStore, MAX_LINES_PER_WRITE } from "./influx-store.js";

const logger = pino({ level: "silent" });

// A fresh database per test, on the influxd that test/servers/global-setup.ts started.
storeContract(
  "InfluxDB 1.x",
  async () => new InfluxStore({ url: influxUrl(), database: uniqueDatabase("contract"), logger }),
);

describe("InfluxStore requests", () => {
  let proxy: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    proxy = undefined;
  });

  /** A real HTTP proxy in front of influxd that counts the lines of each /write request. */
  async function countingProxy(): Promise<{ url: string; writes: number[] }> {
    const writes: number[] = [];
    const target = influxUrl();
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (req.url?.startsWith("/write")) writes.push(body.toString().split("\n").length);
        const headers = { "content-type": req.headers["content-type"] ?? "text/plain" };
        fetch(`${target}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === "GET" ? undefined : body,
        })
          .then(async (r) => {
            const keep = [...r.headers].filter(([k]) => k === "content-type" || k.startsWith("x-influxdb"));
            res.writeHead(r.status, Object.fromEntries(keep));
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch(() => {
            res.writeHead(502).end();
          });
      });
    });
    await new Promise<void>((resolve) => proxy?.listen(0, "127.0.0.1", resolve));
    const address = proxy.address();
    const port = typeof address === "object" && address ? address.port : 0;
    return { url: `http://127.0.0.1:${port}`, writes };
  }

  it(`sends at most ${MAX_LINES_PER_WRITE} lines per write request`, async () => {
    const { url, writes } = await countingProxy();
    const store = new InfluxStore({ url, database: uniqueDatabase("chunks"), logger });
    await store.init();
    const points = Array.from({ length: 11_001 }, (_, i) => ({
      measurement: "pv",
      tags: { institution: "dar-al-amal", device: "inv-1" },
      fields: { power_w: i },
      time: T0 + i * 1000,
    }));
    await store.write(points);
    expect(writes).toEqual([5_000, 5_000, 1_001]);
    await store.close();
  });
});
