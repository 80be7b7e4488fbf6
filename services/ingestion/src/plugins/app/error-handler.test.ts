/** The mapping onto the catalogue, for errors a real server cannot easily be made to produce. */
import { StoreMisconfiguredError, StoreRejectedError, StoreUnavailableError } from "@jisr/core/store";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { ERR } from "../../errors.js";
import { errorBody, MAX_PROBLEMS, toJisrError } from "./error-handler.js";

const request = { headers: {} } as FastifyRequest;

describe("toJisrError", () => {
  it("hides the details of an unexpected error behind a fixed 500 message", () => {
    const error = toJisrError(new Error("ECONNRESET at /var/lib/secret"), request, 1024);
    expect(errorBody(error)).toEqual({
      error: { code: "JISR_ERR_INTERNAL", message: "Internal Server Error" },
    });
    expect(error.statusCode).toBe(500);
  });

  it("turns StoreUnavailableError into 503 with its Retry-After, without the store's message", () => {
    const error = toJisrError(new StoreUnavailableError("http://10.0.0.5:8086 refused", 12), request, 1024);
    expect(error.statusCode).toBe(503);
    expect(error.retryAfterSeconds).toBe(12);
    expect(error.message).toBe("The database is unavailable: keep the data and retry in 12 s");
  });

  it("keeps the reason of StoreRejectedError but not the database's address", () => {
    const error = toJisrError(
      new StoreRejectedError('write at https://influx.internal:8086/x refused: "v" conflict'),
      request,
      1,
    );
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('The database refused the batch: write at InfluxDB refused: "v" conflict');
  });
});

describe("toJisrError for a misconfigured or refusing store", () => {
  it("answers 503 when InfluxDB refuses our credentials or lacks the database: the sender keeps the batch", () => {
    for (const status of [401, 403, 404]) {
      const error = toJisrError(
        new StoreMisconfiguredError(
          `write to "jisr" at http://10.0.0.5:8086 refused (HTTP ${status}): x`,
          status,
        ),
        request,
        1024,
      );
      expect(error.statusCode).toBe(503);
      expect(errorBody(error)).toEqual({
        error: {
          code: "JISR_ERR_STORE_UNAVAILABLE",
          message: "The database is unavailable: keep the data and retry in 5 s",
        },
      });
      expect(error.retryAfterSeconds).toBe(5);
    }
  });

  it("lists the points the store blames, by index, so the sender drops only those", () => {
    const problems = [{ index: 49, path: "points.49.fields.state", message: "field type conflict: …" }];
    const error = toJisrError(new StoreRejectedError("50 point(s) sent", { problems }), request, 1024);
    expect(error.statusCode).toBe(400);
    expect(errorBody(error).error).toEqual({
      code: "JISR_ERR_STORE_REJECTED",
      message: "The database refused the batch: 50 point(s) sent",
      problems,
    });
  });
});

describe("errorBody", () => {
  it(`lists at most ${MAX_PROBLEMS} problems and says how many there were`, () => {
    const error = ERR.INVALID_BATCH(250, 300);
    error.problems = Array.from({ length: 250 }, (_, i) => ({
      index: i,
      path: `points.${i}.time`,
      message: "x",
    }));
    const body = errorBody(error);
    expect(body.error.problems).toHaveLength(MAX_PROBLEMS);
    expect(body.error.message).toBe(
      `250 of 300 point(s) are not valid; nothing was written (the first ${MAX_PROBLEMS} of 250 problems are listed)`,
    );
  });
});
