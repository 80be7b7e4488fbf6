/**
 * One error handler for the whole API (fastify/demo's app.ts): every error leaves as
 * `{ error: { code, message, problems? } }` with a `JISR_ERR_*` code from errors.ts. The full error is
 * logged with the request; the client gets the catalogue's message, fixed text for 5xx.
 */
import { JisrError, problemsOf } from "@jisr/core/errors";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { ERR } from "../../errors.js";
import type { ErrorBody } from "../../schemas/common.js";
import { globalPlugin } from "../global.js";

type AnyError = Partial<FastifyError> & Error & { validationContext?: string };

export function toJisrError(err: AnyError): JisrError {
  if (err instanceof JisrError) return err;
  const context = err.validationContext;
  if (err instanceof z.ZodError && context) {
    const error = ERR.INVALID_REQUEST(`The ${context}`);
    error.problems = problemsOf(err, [context]);
    return error;
  }
  if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || (err instanceof SyntaxError && err.statusCode === 400))
    return ERR.INVALID_JSON("syntax error");
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new JisrError("JISR_ERR_BAD_REQUEST", status, err.message);
  return ERR.INTERNAL();
}

export function errorBody(error: JisrError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.problems && { problems: error.problems }) },
  };
}

export default globalPlugin("error-handler", async (app: FastifyInstance) => {
  app.setErrorHandler((err: AnyError, request: FastifyRequest, reply: FastifyReply) => {
    const error = toJisrError(err);
    if (error.statusCode >= 500) {
      request.log.error({ err, method: request.method, url: request.url }, "Unhandled error");
    } else {
      request.log.info(
        { code: error.code, statusCode: error.statusCode, message: error.message },
        "Request refused",
      );
    }
    return reply.code(error.statusCode).send(errorBody(error));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = ERR.NOT_FOUND(request.method, request.url.split("?")[0] ?? "");
    return reply.code(404).send(errorBody(error));
  });
});
