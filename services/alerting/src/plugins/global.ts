/**
 * Marks a plugin as not encapsulated, so its decorators and hooks reach the routes registered after it:
 * all `fastify-plugin` does for us (fastify Plugins-Guide, "skip-override"). Same helper as ingestion's.
 */
import type { FastifyPluginAsync, FastifyPluginOptions } from "fastify";

export function globalPlugin<O extends FastifyPluginOptions = Record<never, never>>(
  name: string,
  fn: FastifyPluginAsync<O>,
): FastifyPluginAsync<O> {
  return Object.assign(fn, {
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: name,
  });
}
