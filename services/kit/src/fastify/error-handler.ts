/**
 * One error handler for every service (fastify/demo's app.ts): whatever is thrown leaves as
 * `{ error: { code, message, problems? } }` with a `JISR_ERR_*` code of the service's catalogue, and
 * `Retry-After` when the error says when to retry. What each service knows of its own errors (the store's,
 * its body limits) is its `toError`; how loud a refusal is logged is `onRefused` (the ingestion service
 * logs one per request at debug, at fleet scale).
 */
import type { JisrError, RequestProblem } from "@jisr/core/errors";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

export type AnyError = Partial<FastifyError> & Error & { validationContext?: string };

export interface ErrorBody {
  error: { code: string; message: string; problems?: RequestProblem[] };
}

export interface ErrorHandlerOptions {
  /** The service's catalogue entry for this error (5xx: fixed text, the cause only in the log). */
  toError(err: AnyError, request: FastifyRequest): JisrError;
  /** The 404 of an unknown route. */
  notFound(method: string, path: string): JisrError;
  /** Logs one answered error; by default 5xx at error (with the cause), refusals at info. */
  log?(request: FastifyRequest, err: AnyError, error: JisrError): void;
  /** Most problems listed in a body; the message says how many there were. Default: all. */
  maxProblems?: number;
}

export function errorBody(error: JisrError, maxProblems = Number.POSITIVE_INFINITY): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  const problems = error.problems;
  if (problems && problems.length > maxProblems) {
    body.error.message += ` (the first ${maxProblems} of ${problems.length} problems are listed)`;
    body.error.problems = problems.slice(0, maxProblems);
  } else if (problems) body.error.problems = problems;
  return body;
}

function defaultLog(request: FastifyRequest, err: AnyError, error: JisrError): void {
  if (error.statusCode >= 500)
    request.log.error(
      { err, code: error.code, statusCode: error.statusCode, method: request.method, url: request.url },
      "Request failed",
    );
  else
    request.log.info(
      { code: error.code, statusCode: error.statusCode, message: error.message },
      "Request refused",
    );
}

export const errorHandler = fp<ErrorHandlerOptions>(
  async (app: FastifyInstance, opts) => {
    const log = opts.log ?? defaultLog;
    app.setErrorHandler((err: AnyError, request: FastifyRequest, reply: FastifyReply) => {
      const error = opts.toError(err, request);
      log(request, err, error);
      if (error.retryAfterSeconds !== undefined) reply.header("retry-after", String(error.retryAfterSeconds));
      return reply
        .code(error.statusCode)
        .type("application/json; charset=utf-8")
        .send(errorBody(error, opts.maxProblems));
    });
    app.setNotFoundHandler((request, reply) => {
      const error = opts.notFound(request.method, request.url.split("?")[0] ?? "");
      return reply.code(404).type("application/json; charset=utf-8").send(errorBody(error));
    });
  },
  { name: "jisr-error-handler" },
);
