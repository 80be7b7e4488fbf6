import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { freePort } from "../../../test/servers/free-port.js";
import { ValidationError } from "../errors.js";
import { StoreRejectedError, StoreUnavailableError } from "../store/types.js";
import { InfluxClient } from "./client.js";
import { type InfluxHttpError, parseRetryAfter } from "./http-errors.js";
import { generationOf } from "./server.js";

const logger = pino({ level: "silent" });
const T = 1_793_577_600_000;

function client(database = uniqueDatabase("client"), url = influxUrl()): InfluxClient {
  return new InfluxClient({ url, database, logger });
}

describe("InfluxClient against influxd 1.6.7", () => {
  it("pings and detects a 1.x server", async () => {
    const c = client();
    const ping = await c.ping();
    expect(ping.ok).toBe(true);
    expect(ping.version).toMatch(/^1\.\d+/);
    expect(await c.detectServer()).toMatchObject({ generation: "1.x", version: ping.version });
  });

  it("creates the database idempotently, writes and queries it back", async () => {
    const c = client();
    expect((await c.createDatabase()).created).toBe(true);
    expect((await c.createDatabase()).created).toBe(true);
    await c.write(`pv,device=inv-1 power_w=12.5 ${T}\npv,device=inv-2 power_w=3 ${T + 1000}`);
    const [statement] = await c.query('SELECT "power_w" FROM "pv" GROUP BY "device"');
    expect(statement?.series).toEqual([
      { name: "pv", tags: { device: "inv-1" }, columns: ["time", "power_w"], values: [[T, 12.5]] },
      { name: "pv", tags: { device: "inv-2" }, columns: ["time", "power_w"], values: [[T + 1000, 3]] },
    ]);
  });

  it("writes in the precision asked", async () => {
    const c = client();
    await c.createDatabase();
    await c.write(`pv power_w=1 ${T / 1000}`, "s");
    const [statement] = await c.query('SELECT "power_w" FROM "pv"');
    expect(statement?.series[0]?.values).toEqual([[T, 1]]);
  });

  it("binds query parameters", async () => {
    const c = client();
    await c.createDatabase();
    await c.write(`pv,device=it's\\ x power_w=1 ${T}\npv,device=other power_w=2 ${T}`);
    const [statement] = await c.query('SELECT "power_w" FROM "pv" WHERE "device" = $device', {
      device: "it's x",
    });
    expect(statement?.series[0]?.values).toEqual([[T, 1]]);
  });

  it("returns one result per statement", async () => {
    const c = client();
    await c.createDatabase();
    const results = await c.query("SHOW MEASUREMENTS; SHOW DATABASES");
    expect(results.map((r) => r.statementId)).toEqual([0, 1]);
    expect(results[1]?.series[0]?.values).toContainEqual([c.database]);
  });

  it("rejects a field type conflict with InfluxDB's own words", async () => {
    const c = client();
    await c.createDatabase();
    await c.write(`pv power_w=1 ${T}`);
    const write = c.write(`pv power_w="high" ${T + 1000}`);
    await expect(write).rejects.toThrow(StoreRejectedError);
    await expect(write).rejects.toThrow(/HTTP 400.*field type conflict.*"power_w"/);
    await expect(write).rejects.toSatisfy((e: Error) => (e.cause as InfluxHttpError).status === 400);
  });

  it("rejects a write to a database that does not exist, and a malformed line", async () => {
    await expect(client().write(`pv power_w=1 ${T}`)).rejects.toThrow(/HTTP 404.*database not found/);
    const c = client();
    await c.createDatabase();
    await expect(c.write("pv power_w=oops")).rejects.toThrow(/HTTP 400.*unable to parse/);
  });

  it("rejects a query that does not parse, or a statement that fails", async () => {
    const c = client();
    await c.createDatabase();
    await expect(c.query("SELEC 1")).rejects.toThrow(/error parsing query/);
    await c.write(`pv note="x" ${T}`);
    await expect(c.query('SELECT mean("note") FROM "pv"')).rejects.toThrow(/unsupported mean iterator type/);
  });
});

describe("InfluxClient when the server is away or refuses", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  /** A small real HTTP server on loopback that answers as told. */
  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  it("reports a port nobody listens on as unavailable", async () => {
    const c = client("x", `http://127.0.0.1:${await freePort()}`);
    await expect(c.write(`pv f=1 ${T}`)).rejects.toThrow(StoreUnavailableError);
    await expect(c.write(`pv f=1 ${T}`)).rejects.toThrow(/cannot reach InfluxDB \(ECONNREFUSED\)/);
    await expect(c.query("SHOW DATABASES")).rejects.toThrow(StoreUnavailableError);
    const ping = await c.ping();
    expect(ping.ok).toBe(false);
    expect(ping.error).toMatch(/ECONNREFUSED/);
    await expect(c.detectServer()).rejects.toThrow(StoreUnavailableError);
  });

  it("reports a server that does not answer in time as unavailable", async () => {
    const url = await serve(() => {
      // never answers
    });
    const c = new InfluxClient({ url, database: "x", timeoutMs: 200, logger });
    await expect(c.write(`pv f=1 ${T}`)).rejects.toThrow(/no answer within 200 ms/);
  });

  it("maps 503 and 429 to unavailable with Retry-After, 5xx without it to the default", async () => {
    const statuses = [503, 429, 500];
    const url = await serve((_req, res) => {
      const status = statuses.shift() ?? 500;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (status !== 500) headers["retry-after"] = status === 503 ? "7" : "2";
      res
        .writeHead(status, headers)
        .end(JSON.stringify({ error: "engine: cache maximum memory size exceeded" }));
    });
    const c = client("x", url);
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) errors.push(await c.write(`pv f=1 ${T}`).catch((e: unknown) => e));
    expect(errors.map((e) => e instanceof StoreUnavailableError && e.retryAfterSeconds)).toEqual([7, 2, 5]);
    expect((errors[0] as Error).message).toMatch(/HTTP 503: engine: cache maximum memory size exceeded/);
  });

  it("says the credentials are wrong on 401, and sends the token or Basic credentials", async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res
        .writeHead(401, { "content-type": "application/json" })
        .end('{"code":"unauthorized","message":"unauthorized access"}');
    });
    const withToken = new InfluxClient({ url, database: "x", auth: { token: "s3cret" }, logger });
    await expect(withToken.write(`pv f=1 ${T}`)).rejects.toThrow(
      /credentials are wrong.*unauthorized access/,
    );
    const withUser = new InfluxClient({
      url,
      database: "x",
      auth: { username: "jisr", password: "pw" },
      logger,
    });
    await expect(withUser.query("SHOW DATABASES")).rejects.toThrow(StoreRejectedError);
    expect(seen).toEqual(["Token s3cret", `Basic ${Buffer.from("jisr:pw").toString("base64")}`]);
  });

  it("does not send DDL to a 2.x server: the bucket is the admin's", async () => {
    const paths: string[] = [];
    const url = await serve((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      res.writeHead(204, { "x-influxdb-version": "v2.7.11", "x-influxdb-build": "OSS" }).end();
    });
    const result = await client("jisr", url).createDatabase();
    expect(result).toEqual({
      created: false,
      server: { generation: "2.x", version: "v2.7.11", build: "OSS" },
    });
    expect(paths).toEqual(["GET /ping"]);
  });

  it("treats a refused CREATE DATABASE on an unknown server as the admin's job", async () => {
    const url = await serve((req, res) => {
      if (req.url === "/ping") res.writeHead(204).end();
      else
        res
          .writeHead(400, { "content-type": "application/json" })
          .end('{"error":"not implemented: CREATE DATABASE"}');
    });
    expect(await client("jisr", url).createDatabase()).toEqual({
      created: false,
      server: { generation: "unknown" },
    });
  });

  it("fails requests once closed", async () => {
    const c = client();
    c.close();
    await expect(c.query("SHOW DATABASES")).rejects.toThrow(/aborted: the client was closed/);
  });

  it("times a query out, and fails a query in flight when the client is closed", async () => {
    const url = await serve(() => {
      // never answers
    });
    const slow = new InfluxClient({ url, database: "x", timeoutMs: 200, logger });
    await expect(slow.query("SHOW DATABASES")).rejects.toThrow(StoreUnavailableError);
    await expect(slow.query("SHOW DATABASES")).rejects.toThrow(/no answer within 200 ms/);
    const c = client("x", url);
    const pending = c.query("SHOW DATABASES");
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.close();
    await expect(pending).rejects.toThrow(StoreUnavailableError);
    await expect(pending).rejects.toThrow(/aborted: the client was closed/);
  });

  it("sends a request again when the kept-alive connection it went on was closed by the server", async () => {
    const sockets = new Set<unknown>();
    let requests = 0;
    const url = await serve((req, res) => {
      requests++;
      // The second request on a connection: the server drops the connection instead of answering, as
      // a server whose idle timeout fired just as the request left.
      if (sockets.has(req.socket)) return req.socket.destroy();
      sockets.add(req.socket);
      res
        .writeHead(200, { "content-type": "application/json", connection: "keep-alive" })
        .end('{"results":[{"statement_id":0}]}');
    });
    const c = client("x", url);
    await c.query("SHOW DATABASES");
    const [statement] = await c.query("SHOW DATABASES");
    expect(statement).toEqual({ statementId: 0, series: [], partial: false });
    expect(requests).toBe(3);
    expect(sockets.size).toBe(2);
    c.close();
  });

  it("refuses an answer that is not InfluxDB query JSON, or is cut short", async () => {
    const bodies = [
      "<html>proxy error</html>",
      '{"results":[{"statement_id":0,"series":[{"columns":["time","v"],"values":[[1,2],[2,{"x":1}]]}]}]}',
    ];
    const url = await serve((req, res) => {
      const body = bodies.shift();
      if (body !== undefined) return res.writeHead(200, { "content-type": "text/html" }).end(body);
      // Promises more than it sends, then drops the connection.
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"results":[');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const c = client("x", url);
    await expect(c.query("SHOW DATABASES")).rejects.toThrow(
      /unexpected answer \(not InfluxDB query JSON\): <html>/,
    );
    await expect(c.query("SHOW DATABASES")).rejects.toThrow(StoreRejectedError);
    const cut = c.query("SHOW DATABASES");
    await expect(cut).rejects.toThrow(StoreUnavailableError);
    await expect(cut).rejects.toThrow(/cannot reach InfluxDB/);
    c.close();
  });

  it("speaks TLS to an https:// URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jisr-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
      { stdio: "ignore" },
    );
    const tls = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.writeHead(204, { "x-influxdb-version": "1.8.10" }).end(),
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    try {
      const address = tls.address();
      const port = typeof address === "object" && address ? address.port : 0;
      // The certificate is nobody's: the client checks it (a TLS error, not an HTTP one, shows it spoke TLS).
      const ping = await client("x", `https://127.0.0.1:${port}`).ping();
      expect(ping.ok).toBe(false);
      expect(ping.error).toMatch(
        /cannot reach InfluxDB \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
      );
    } finally {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the path of a URL behind a proxy's prefix", async () => {
    const paths: string[] = [];
    const url = await serve((req, res) => {
      paths.push(`${req.method} ${req.url?.replace(/\?.*/, "")}`);
      if (req.url === "/influx/ping") return res.writeHead(204).end();
      res.writeHead(req.url?.startsWith("/influx/write") ? 204 : 200).end('{"results":[{"statement_id":0}]}');
    });
    const c = client("x", `${url}/influx/`);
    expect((await c.ping()).ok).toBe(true);
    await c.write(`pv f=1 ${T}`);
    await c.query("SHOW DATABASES");
    expect(paths).toEqual(["GET /influx/ping", "POST /influx/write", "POST /influx/query"]);
    c.close();
  });

  it("refuses bad options, naming each", () => {
    expect(() => new InfluxClient({ url: "ftp://x", database: "", logger })).toThrow(ValidationError);
    expect(() => new InfluxClient({ url: "ftp://x", database: "", logger })).toThrow(/url: .*\n.*database:/);
    expect(() => new InfluxClient({ url: "http://u:p@127.0.0.1:8086", database: "x", logger })).toThrow(
      /url: must not hold credentials/,
    );
  });
});

describe("helpers", () => {
  it("reads the generation from the version header", () => {
    expect(generationOf("1.6.7~rc0")).toBe("1.x");
    expect(generationOf("v2.7.11")).toBe("2.x");
    expect(generationOf("3.0.1")).toBe("3.x");
    expect(generationOf(undefined)).toBe("unknown");
    expect(generationOf("cloud2")).toBe("unknown");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.UTC(2026, 10, 2, 12, 0, 0);
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("Mon, 02 Nov 2026 12:00:10 GMT", now)).toBe(10);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
