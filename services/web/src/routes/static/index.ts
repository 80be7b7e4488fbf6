/**
 * The page itself: the files of services/web/public/ (HTML, ES modules, CSS, no build step), sent by
 * @fastify/static (content type, ETag and Last-Modified, 304, HEAD, ranges). The routes are ours, one per
 * file found at start, so nothing outside the folder can ever be asked for, `/` is the page, and each
 * route declares its access rule (the access plugin refuses a route without one, which the plugin's own
 * wildcard route would not have). `no-cache`: revalidated on each load, so a new version shows without a
 * hard refresh.
 */
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";

export const PUBLIC_DIR = fileURLToPath(new URL("../../../public/", import.meta.url));

/** The kinds of file the page is made of; anything else in the folder is not served. */
const SERVED = /\.(html|js|css|svg|png|ico|json)$/;

/** URL paths (`/js/app.js`) of the files under `dir`. */
export function publicFiles(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [join(d, e.name)] : [],
    );
  return walk(dir)
    .filter((file) => SERVED.test(file))
    .map((file) => `/${relative(dir, file).split(sep).join("/")}`);
}

const staticRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, opts) => {
  const root = opts.dir ?? PUBLIC_DIR;
  await app.register(fastifyStatic, {
    root,
    serve: false, // routes below, not the plugin's wildcard
    cacheControl: false,
    setHeaders: (reply) => reply.header("cache-control", "no-cache"),
  });
  const config = { access: { public: true as const } };
  for (const url of publicFiles(root)) {
    const file = url.slice(1);
    app.get(url, { config }, (_request, reply) => reply.sendFile(file));
    if (url === "/index.html") app.get("/", { config }, (_request, reply) => reply.sendFile(file));
  }
};

export default staticRoutes;
