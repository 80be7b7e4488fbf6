/**
 * Marks a plugin as not encapsulated, so its decorators and hooks reach the routes registered after it.
 * This is all `fastify-plugin` does for us (Plugins-Guide, "skip-override"); one helper instead of a
 * dependency.
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
