/**
 * What the web service's errors mean in its catalogue (errors.ts); the kit's error handler
 * (@jisr/service-kit) sends them as `{ error: { code, message, problems? } }` and logs them. For 5xx the
 * client gets the catalogue's fixed text, never the underlying error's details.
 */
import { StoreUnavailableError } from "@jisr/core/store";
import { type AnyError, invalidRequest } from "@jisr/service-kit";
import { ERR, WebError } from "../../errors.js";

/** Maps anything thrown by Fastify, a route or the store onto the catalogue. */
export function toWebError(err: AnyError): WebError {
  if (err instanceof WebError) return err;
  const invalid = invalidRequest(err, ERR.INVALID_REQUEST);
  if (invalid) return invalid;
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
