/**
 * Zod schemas on every service's routes, with fastify-type-provider-zod's two compilers (no hand-made
 * copy): params, querystring, body and response schemas are zod schemas. A failed validation reaches the
 * error handler as Fastify's validation error, its `validation` entries carrying the zod issues, with
 * `validationContext` ("body", "querystring", ...); `validationProblems` turns it into problems.
 */
import { formatPath, type JisrError, type Problem } from "@jisr/core/errors";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";

export const zodCompilers = fp(
  async (app: FastifyInstance) => {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
  },
  { name: "jisr-zod-compilers" },
);

/**
 * A request that failed its route's schema as the service's catalogue says it ("The querystring is not
 * valid; see problems", with every problem); undefined for any other error.
 */
export function invalidRequest(err: unknown, make: (what: string) => JisrError): JisrError | undefined {
  const invalid = validationProblems(err);
  if (!invalid) return undefined;
  const error = make(`The ${invalid.context}`);
  error.problems = invalid.problems;
  return error;
}

/**
 * The problems of a request that failed its route's schema ("querystring.state: Invalid option"), with
 * what failed ("querystring"); undefined for any other error.
 */
export function validationProblems(err: unknown): { context: string; problems: Problem[] } | undefined {
  const context = (err as { validationContext?: string }).validationContext;
  if (!context || !hasZodFastifySchemaValidationErrors(err)) return undefined;
  return {
    context,
    problems: err.validation.map((v) => ({
      path: formatPath([context, ...v.instancePath.split("/").filter((p) => p !== "")]),
      message: v.message ?? "invalid",
    })),
  };
}
