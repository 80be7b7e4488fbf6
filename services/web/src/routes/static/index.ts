/**
 * The page itself: the files of services/web/public/ (HTML, ES modules, CSS, no build step), read once at
 * start and served from memory. One route per file, so nothing outside the folder can ever be asked for,
 * and `/` is the page. Revalidated on each load (ETag), so a new version shows without a hard refresh.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsync } from "fastify";

export const PUBLIC_DIR = fileURLToPath(new URL("../../../public/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of walk(dir)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    const body = readFileSync(file);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    assets.set(`/${relative(dir, file).split(sep).join("/")}`, { body, type, etag });
  }
  return assets;
}

const staticRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, opts) => {
  const assets = loadAssets(opts.dir ?? PUBLIC_DIR);
  const index = assets.get("/index.html");
  if (index) assets.set("/", index);
  for (const [url, asset] of assets) {
    app.get(url, { config: { access: { public: true } } }, async (request, reply) => {
      reply.header("cache-control", "no-cache").header("etag", asset.etag).type(asset.type);
      if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    });
  }
};

export default staticRoutes;
