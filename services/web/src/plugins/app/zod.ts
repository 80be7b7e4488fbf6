/**
 * Lets routes declare their params, querystring, body and response schemas as zod schemas (src/schemas/),
 * the job of fastify-type-provider-zod's two compilers, in a few lines. A failed validation reaches the
 * error handler as the ZodError itself, with `validationContext` set by Fastify.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { globalPlugin } from "../global.js";

function asZod(schema: unknown, where: string): z.ZodType {
  if (schema instanceof z.ZodType) return schema;
  throw new TypeError(`${where}: route schemas must be zod schemas`);
}

export default globalPlugin("zod-compilers", async (app: FastifyInstance) => {
  app.setValidatorCompiler(({ schema, method, url }) => {
    const zod = asZod(schema, `${method} ${url}`);
    return (data: unknown) => {
      const result = zod.safeParse(data);
      return result.success ? { value: result.data } : { error: result.error };
    };
  });
  app.setSerializerCompiler(({ schema, method, url }) => {
    const zod = asZod(schema, `${method} ${url}`);
    // Parsing before stringifying keeps the answer exactly to the declared shape.
    return (data: unknown) => JSON.stringify(zod.parse(data));
  });
});
