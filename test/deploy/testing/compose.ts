/**
 * The Compose file as its tests and the benches read it: the benches start `jisr ingest` with the Node
 * options the file gives the ingestion service, so that "as deployed" stays true when the file changes.
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
