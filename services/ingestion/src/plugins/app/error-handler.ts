/**
 * One error handler for the whole service (fastify/demo's app.ts): every error leaves as
 * `{ error: { code, message, problems? } }` with a `JISR_ERR_*` code from errors.ts. The full error is
 * logged with the request; the client gets the catalogue's message, which for 5xx is fixed text that
 * never carries the underlying error's details.
 */
import { JisrError } from "@jisr/core/errors";
import { StoreMisconfiguredError, StoreRejectedError, StoreUnavailableError } from "@jisr/core/store";
import {
  type AnyError,
  errorHandler,
  invalidRequest,
  type ErrorBody as KitErrorBody,
  errorBody as kitErrorBody,
} from "@jisr/service-kit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR } from "../../errors.js";

/** Enough to fix a batch; a sender with 50 000 bad points does not need 50 000 lines back. */
export const MAX_PROBLEMS = 100;

/** Maps anything thrown by Fastify, a route or the store onto the catalogue. */
export function toJisrError(err: AnyError, request: FastifyRequest, bodyLimit: number): JisrError {
  if (err instanceof JisrError) return err;
  const invalid = invalidRequest(err, ERR.INVALID_REQUEST);
  if (invalid) return invalid;
  // StoreMisconfiguredError too (wrong credentials, no database...): the batch is good, so the sender
  // must keep it; the cause is for our operator (logged), not for the sender.
  if (err instanceof StoreUnavailableError) {
    const error = ERR.STORE_UNAVAILABLE(err.retryAfterSeconds);
    error.retryAfterSeconds = err.retryAfterSeconds;
    return error;
  }
  if (err instanceof StoreRejectedError) {
    const error = ERR.STORE_REJECTED(withoutUrls(err.message));
    // Which points to blame, when the store knows: the sender drops those and sends the rest again.
    if (err.problems && err.problems.length > 0)
      error.problems = err.problems.map(({ index, path, message }) => ({ index, path, message }));
    return error;
  }
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return ERR.BODY_TOO_LARGE(bodyLimit);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return ERR.UNSUPPORTED_MEDIA_TYPE(request.headers["content-type"] ?? "(none)");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return ERR.INVALID_JSON("the body is empty");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return ERR.INVALID_JSON("syntax error");
  }
  const status = err.statusCode ?? 500;
  if (err instanceof SyntaxError && status === 400) return ERR.INVALID_JSON(err.message);
  if (status >= 400 && status < 500) return new JisrError("JISR_ERR_BAD_REQUEST", status, err.message);
  return ERR.INTERNAL();
}

/** InfluxDB's reason (e.g. a field type conflict) helps the sender; where our InfluxDB lives does not. */
function withoutUrls(message: string): string {
  return message.replace(/\bhttps?:\/\/[^\s"]+/g, "InfluxDB");
}

/** The body of an answered error, with at most MAX_PROBLEMS problems. */
export function errorBody(error: JisrError): KitErrorBody {
  return kitErrorBody(error, MAX_PROBLEMS);
}

function logError(request: FastifyRequest, err: Error, error: JisrError): void {
  const context = {
    err,
    code: error.code,
    statusCode: error.statusCode,
    method: request.method,
    url: request.url,
  };
  if (err instanceof StoreMisconfiguredError)
    request.log.error(
      { ...context, influx_status: err.status },
      `Store misconfigured, batch refused with 503 (the sender keeps it): ${err.message}`,
    );
  else if (error.code === ERR.STORE_UNAVAILABLE.code)
    request.log.warn(context, "Store unavailable; batch refused with 503");
  else if (error.statusCode >= 500) request.log.error(context, "Unhandled error");
  // Debug: at fleet scale a refusal per request at info would flood the log; the summary counts them.
  else
    request.log.debug(
      { code: error.code, statusCode: error.statusCode, message: error.message },
      "Request refused",
    );
}

/** The kit's error handler (@jisr/service-kit) with the ingestion service's mapping and log levels. */
export default fp(
  async (app: FastifyInstance) => {
    const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
    await app.register(errorHandler, {
      toError: (err, request) => toJisrError(err, request, bodyLimit),
      notFound: ERR.NOT_FOUND,
      maxProblems: MAX_PROBLEMS,
      log(request, err, error) {
        request.refusal = error.code;
        logError(request, err, error);
      },
    });
  },
  { name: "jisr-ingestion-errors" },
);
