/**
 * The Compose file as its tests and the benches read it: the benches start `jisr ingest` with the Node
 * options and the runtime variables the file gives the ingestion service, so that "as deployed" stays
 * true when the file changes.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface ComposeFile {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  return parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as ComposeFile;
}

/**
 * The Node options of an entry point that runs jisr, `["node", ...options, "cli/bin/jisr.js"]`; undefined
 * for any other entry point.
 */
export function jisrNodeOptions(entrypoint: unknown): string[] | undefined {
  if (!Array.isArray(entrypoint) || !entrypoint.every((w) => typeof w === "string")) return undefined;
  const words = entrypoint as string[];
  if (words[0] !== "node" || words.at(-1) !== "cli/bin/jisr.js") return undefined;
  const options = words.slice(1, -1);
  return options.every((o) => o.startsWith("--")) ? options : undefined;
}

/** The Node options the Compose file runs the ingestion service with (none when it keeps the image's). */
export function ingestionNodeOptions(): string[] {
  const entrypoint = readCompose().services.ingestion?.entrypoint;
  if (entrypoint === undefined) return [];
  const options = jisrNodeOptions(entrypoint);
  if (!options)
    throw new Error(`docker-compose.yml: ingestion's entrypoint does not run jisr: ${entrypoint}`);
  return options;
}

/**
 * Variables of a service's environment that tune the runtime (the C library's allocator, Node, libuv), not
 * jisr: the benches pass them on; JISR_* and the like name hosts of the Compose network.
 */
export const isRuntimeVariable = (name: string) =>
  /^(GLIBC_TUNABLES|MALLOC_[A-Z_]+|NODE_OPTIONS|UV_[A-Z_]+)$/.test(name);

/** The runtime variables the Compose file gives the ingestion service (e.g. GLIBC_TUNABLES). */
export function ingestionRuntimeEnv(): Record<string, string> {
  const environment = readCompose().services.ingestion?.environment ?? {};
  if (Array.isArray(environment))
    throw new Error("docker-compose.yml: write ingestion's environment as a mapping, not a list");
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment as Record<string, unknown>))
    if (isRuntimeVariable(name)) out[name] = String(value);
  return out;
}

/** `name=value` pairs of a GLIBC_TUNABLES value (`a=1:b=2`). */
export function glibcTunables(value: string): Array<[string, string]> {
  return value.split(":").map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`GLIBC_TUNABLES: "${pair}" is not name=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}
