/**
 * What each InfluxDB answer to a write means for the data: only a refusal of the points' content may make
 * a sender drop them. The bodies are InfluxDB's own (1.x httpd, 2.x v1-compatibility, 3.x Core write_lp),
 * as their docs and sources show them; the last tests go through InfluxClient and a real HTTP server.
 */
import { createServer, type Server } from "node:http";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { StoreMisconfiguredError, StoreRejectedError, StoreUnavailableError } from "../store/types.js";
import { InfluxClient } from "./client.js";
import { errorFromResponse, type InfluxHttpError, isContentRefusal } from "./http-errors.js";

const WRITE = 'write to "jisr" at http://influx:8086';
const json = (body: unknown) => JSON.stringify(body);
const headers = new Headers({ "content-type": "application/json" });
const answer = (status: number, body: string) => errorFromResponse(WRITE, status, body, headers, "write");

describe("errorFromResponse for a write", () => {
  it.each([
    [
      "1.x field type conflict",
      400,
      json({
        error:
          'partial write: field type conflict: input field "state" on measurement "pv_inverter" is type string, already exists as type float dropped=1',
      }),
    ],
    [
      "1.x line that does not parse",
      400,
      json({ error: "unable to parse 'pv power_w=oops': invalid number" }),
    ],
    [
      "1.x points older than the retention policy",
      400,
      json({ error: "partial write: points beyond retention policy dropped=3" }),
    ],
    [
      "2.x line that does not parse",
      400,
      json({ code: "invalid", message: "unable to parse 'pv x': missing fields" }),
    ],
    [
      "2.x field type conflict",
      422,
      json({
        code: "unprocessable entity",
        message:
          'failure writing points to database: partial write: field type conflict: input field "state" on measurement "pv_inverter" is type string, already exists as type float dropped=1',
      }),
    ],
    [
      "3.x column of another type",
      400,
      json({
        error: "partial write of line protocol occurred",
        data: [
          {
            original_line: 'pv_inverter,device=inv-1 state="x" 1',
            line_number: 1,
            error_message:
              "invalid column type for column 'state', expected iox::column_type::field::float, got iox::column_type::field::string",
          },
        ],
      }),
    ],
    [
      "3.x line that does not parse",
      400,
      json({
        error: "parsing failed for write_lp endpoint",
        data: { original_line: "pv x=", line_number: 2, error_message: "No fields were provided" },
      }),
    ],
  ])("blames the points on a %s (StoreRejectedError)", (_what, status, body) => {
    const error = answer(status, body);
    expect(error).toBeInstanceOf(StoreRejectedError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error.cause as InfluxHttpError).status).toBe(status);
  });

  it.each([
    [401, json({ error: "authorization failed" }), "the credentials are wrong"],
    [401, json({ code: "unauthorized", message: "unauthorized access" }), "the credentials are wrong"],
    [
      403,
      json({ error: '"jisr" user is not authorized to write to database "jisr"' }),
      "lack the right to write",
    ],
    [404, json({ error: 'database not found: "jisr"' }), "the database does not exist"],
    [404, json({ code: "not found", message: 'bucket "jisr" not found' }), "the database does not exist"],
    [404, "database not found", "the database does not exist"],
    [413, json({ error: "Request Entity Too Large" }), "raise its max-body-size"],
    [
      400,
      json({
        error: 'partial write: max-values-per-tag limit exceeded (100000/100000): measurement="pv" dropped=1',
      }),
      "a limit of InfluxDB is reached",
    ],
    [
      422,
      json({
        error: "partial write of line protocol occurred",
        data: [
          {
            line_number: 1,
            error_message: "Update to schema would exceed number of columns per table limit of 500 columns",
          },
        ],
      }),
      "a limit of InfluxDB is reached",
    ],
    [400, "<html><body><h1>400 Bad Request</h1>Request Header Or Cookie Too Large</body></html>", "a proxy"],
    [400, json({ error: "invalid database name" }), "a proxy"],
    [405, "", "a proxy"],
  ])("keeps the points on HTTP %i %s (StoreMisconfiguredError naming what to fix)", (status, body, hint) => {
    const error = answer(status, body);
    expect(error).toBeInstanceOf(StoreMisconfiguredError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).not.toBeInstanceOf(StoreRejectedError);
    expect((error as StoreMisconfiguredError).status).toBe(status);
    expect(error.message).toContain(`${WRITE} refused (HTTP ${status}): `);
    expect(error.message).toContain(hint);
  });

  it("adds 3.x's per-line reasons to the message", () => {
    const body = json({
      error: "partial write of line protocol occurred",
      data: [
        { line_number: 2, error_message: "invalid column type for column 'state'" },
        { line_number: 5, error_message: "No fields were provided" },
      ],
    });
    expect(answer(400, body).message).toBe(
      `${WRITE} refused (HTTP 400): partial write of line protocol occurred: line 2: invalid column type for column 'state'; line 5: No fields were provided`,
    );
  });

  it("leaves 429 and 5xx unavailable, not misconfigured", () => {
    for (const status of [429, 500, 503]) {
      const error = answer(status, json({ error: "engine: cache maximum memory size exceeded" }));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).not.toBeInstanceOf(StoreMisconfiguredError);
    }
  });

  it("counts only a 400 or 422 as a refusal of content", () => {
    expect(isContentRefusal(400, "partial write: field type conflict")).toBe(true);
    expect(isContentRefusal(404, "partial write: field type conflict")).toBe(false);
    expect(isContentRefusal(401, "unable to parse the token")).toBe(false);
  });
});

describe("errorFromResponse for other requests", () => {
  it("keeps every 4xx of a query a StoreRejectedError (createDatabase relies on its status)", () => {
    const query = 'query on "jisr" at http://influx:8086';
    for (const status of [400, 401, 403, 404]) {
      const error = errorFromResponse(query, status, json({ error: "x" }), headers, "query");
      expect(error).toBeInstanceOf(StoreRejectedError);
      expect((error.cause as InfluxHttpError).status).toBe(status);
    }
  });
});

describe("through InfluxClient", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it("reports a 401 on /write as misconfigured and a 401 on /query as rejected", async () => {
    server = createServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" }).end(json({ error: "authorization failed" }));
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const client = new InfluxClient({ url, database: "jisr", logger: pino({ level: "silent" }) });
    const write = client.write("pv power_w=1 1");
    await expect(write).rejects.toThrow(StoreMisconfiguredError);
    await expect(write).rejects.toThrow(
      `write to "jisr" at ${url} refused (HTTP 401): the credentials are wrong: check the token or user name and password Jisr uses for InfluxDB (InfluxDB said: authorization failed)`,
    );
    const query = client.query("SHOW DATABASES");
    await expect(query).rejects.toThrow(StoreRejectedError);
    await expect(query).rejects.not.toThrow(StoreUnavailableError);
  });
});
