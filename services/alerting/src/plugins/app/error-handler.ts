/**
 * What the alerting API's errors mean in its catalogue (errors.ts); the kit's error handler
 * (@jisr/service-kit) sends them as `{ error: { code, message, problems? } }` and logs them.
 */
import { JisrError } from "@jisr/core/errors";
import { type AnyError, invalidRequest } from "@jisr/service-kit";
import { ERR } from "../../errors.js";

export function toJisrError(err: AnyError): JisrError {
  if (err instanceof JisrError) return err;
  const invalid = invalidRequest(err, ERR.INVALID_REQUEST);
  if (invalid) return invalid;
  if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || (err instanceof SyntaxError && err.statusCode === 400))
    return ERR.INVALID_JSON("syntax error");
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new JisrError("JISR_ERR_BAD_REQUEST", status, err.message);
  return ERR.INTERNAL();
}
