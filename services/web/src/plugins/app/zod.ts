/**
 * Lets routes declare their params, querystring, body and response schemas as zod schemas (src/schemas/),
 * the job of fastify-type-provider-zod's two compilers, in a few lines. A failed validation reaches the
 * error handler as the ZodError itself, with `validationContext` set by Fastify.
 */
import { zodSerializer, zodValidator } from "@jisr/core/zod-route";
import type { FastifyInstance } from "fastify";
import { globalPlugin } from "../global.js";

export default globalPlugin("zod-compilers", async (app: FastifyInstance) => {
  app.setValidatorCompiler(({ schema, method, url }) => zodValidator(schema, `${method} ${url}`));
  app.setSerializerCompiler(({ schema, method, url }) => zodSerializer(schema, `${method} ${url}`));
});
