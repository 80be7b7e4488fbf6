/**
 * One error handler for the whole service (fastify/demo's app.ts): every error leaves as
 * `{ error: { code, message, problems? } }` with a `JISR_ERR_*` code from errors.ts. The full error is
 * logged with the request; the client gets the catalogue's message, which for 5xx is fixed text that
 * never carries the underlying error's details.
 */
import { formatPath } from "@jisr/core/errors";
import { StoreUnavailableError } from "@jisr/core/store/types";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ERR, WebError } from "../../errors.js";
import type { ErrorBody } from "../../schemas/common.js";

type AnyError = Partial<FastifyError> & Error & { validationContext?: string };

/** Maps anything thrown by Fastify, a route or the store onto the catalogue. */
export function toWebError(err: AnyError): WebError {
  if (err instanceof WebError) return err;
  const context = err.validationContext;
  if (context && hasZodFastifySchemaValidationErrors(err)) {
    const error = ERR.INVALID_REQUEST(`The ${context}`);
    error.problems = err.validation.map((v) => ({
      path: formatPath([context, ...v.instancePath.split("/").filter((p) => p !== "")]),
      message: v.message ?? "invalid",
    }));
    return error;
  }
  if (err instanceof StoreUnavailableError) {
    const error = ERR.STORE_UNAVAILABLE(err.retryAfterSeconds);
    error.retryAfterSeconds = err.retryAfterSeconds;
    return error;
  }
  const status = err.statusCode ?? 500;
  // The libraries' own catalogues (the reports' ReportError) already speak JISR_ERR_* to people.
  if (typeof err.code === "string" && err.code.startsWith("JISR_ERR_") && status >= 400 && status < 500) {
    return new WebError(err.code, status, err.message);
  }
  if (status >= 400 && status < 500) return new WebError("JISR_ERR_BAD_REQUEST", status, err.message);
  return ERR.INTERNAL();
}

export function errorBody(error: WebError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.problems && { problems: error.problems }) },
  };
}

function logError(request: FastifyRequest, err: Error, error: WebError): void {
  if (error.statusCode >= 500) {
    request.log.error(
      { err, code: error.code, statusCode: error.statusCode, method: request.method, url: request.url },
      "Request failed",
    );
  } else {
    request.log.info(
      { code: error.code, statusCode: error.statusCode, message: error.message },
      "Request refused",
    );
  }
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: AnyError, request: FastifyRequest, reply: FastifyReply) => {
      const error = toWebError(err);
      logError(request, err, error);
      if (error.retryAfterSeconds !== undefined) reply.header("retry-after", String(error.retryAfterSeconds));
      return reply.code(error.statusCode).type("application/json; charset=utf-8").send(errorBody(error));
    });
    app.setNotFoundHandler((request, reply) => {
      const error = ERR.NOT_FOUND(request.method, request.url.split("?")[0] ?? "");
      return reply.code(404).send(errorBody(error));
    });
  },
  { name: "jisr-web-error-handler" },
);
