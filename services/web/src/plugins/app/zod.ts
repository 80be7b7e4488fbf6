/**
 * Lets routes declare their params, querystring, body and response schemas as zod schemas (src/schemas/),
 * with fastify-type-provider-zod's two compilers. A failed validation reaches the error handler as
 * Fastify's validation error, its `validation` entries carrying the zod issues
 * (`hasZodFastifySchemaValidationErrors`), with `validationContext` ("body", "querystring", ...).
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";

export default fp(
  async (app: FastifyInstance) => {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
  },
  { name: "jisr-web-zod-compilers" },
);
