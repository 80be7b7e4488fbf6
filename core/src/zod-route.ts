/**
 * Zod schemas on HTTP routes: the validator and serializer that Fastify's compilers return, shared by
 * every service (the job of fastify-type-provider-zod's two compilers, in a few lines). A failed
 * validation reaches the service's error handler as the ZodError itself.
 */
import { z } from "zod";

function asZod(schema: unknown, where: string): z.ZodType {
  if (schema instanceof z.ZodType) return schema;
  throw new TypeError(`${where}: route schemas must be zod schemas`);
}

/** What a Fastify validator compiler returns for one route schema. */
export function zodValidator(schema: unknown, where: string) {
  const zod = asZod(schema, where);
  return (data: unknown): { value: unknown } | { error: z.ZodError } => {
    const result = zod.safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  };
}

/** What a Fastify serializer compiler returns: parsing first keeps the answer to the declared shape. */
export function zodSerializer(schema: unknown, where: string) {
  const zod = asZod(schema, where);
  return (data: unknown): string => JSON.stringify(zod.parse(data));
}
